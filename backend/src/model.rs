//! Domain vocabulary shared by the data layer and the API: roles, member states and regions.

use poem_openapi::Enum;

/// What a member may do. member < curator, moderator < admin; an admin can do everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum Role {
    Member,
    Curator,
    Moderator,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Member, Role::Curator, Role::Moderator, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Curator => "curator",
            Role::Moderator => "moderator",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn can_moderate(self) -> bool {
        matches!(self, Role::Moderator | Role::Admin)
    }

    pub fn can_curate(self) -> bool {
        matches!(self, Role::Curator | Role::Admin)
    }

    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }
}

/// Where a membership is in its life: registered, verified and waiting, active, or declined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum MemberStatus {
    Unverified,
    Pending,
    Active,
    Declined,
}

impl MemberStatus {
    pub const ALL: [MemberStatus; 4] = [
        MemberStatus::Unverified,
        MemberStatus::Pending,
        MemberStatus::Active,
        MemberStatus::Declined,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MemberStatus::Unverified => "unverified",
            MemberStatus::Pending => "pending",
            MemberStatus::Active => "active",
            MemberStatus::Declined => "declined",
        }
    }

    pub fn parse(s: &str) -> Option<MemberStatus> {
        MemberStatus::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// The seven NHS England regions, plus national roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum Region {
    #[oai(rename = "north-east-yorkshire")]
    NorthEastYorkshire,
    #[oai(rename = "north-west")]
    NorthWest,
    #[oai(rename = "midlands")]
    Midlands,
    #[oai(rename = "east-of-england")]
    EastOfEngland,
    #[oai(rename = "london")]
    London,
    #[oai(rename = "south-east")]
    SouthEast,
    #[oai(rename = "south-west")]
    SouthWest,
    #[oai(rename = "national")]
    National,
}

impl Region {
    pub const ALL: [Region; 8] = [
        Region::NorthEastYorkshire,
        Region::NorthWest,
        Region::Midlands,
        Region::EastOfEngland,
        Region::London,
        Region::SouthEast,
        Region::SouthWest,
        Region::National,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Region::NorthEastYorkshire => "north-east-yorkshire",
            Region::NorthWest => "north-west",
            Region::Midlands => "midlands",
            Region::EastOfEngland => "east-of-england",
            Region::London => "london",
            Region::SouthEast => "south-east",
            Region::SouthWest => "south-west",
            Region::National => "national",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Region::NorthEastYorkshire => "North East and Yorkshire",
            Region::NorthWest => "North West",
            Region::Midlands => "Midlands",
            Region::EastOfEngland => "East of England",
            Region::London => "London",
            Region::SouthEast => "South East",
            Region::SouthWest => "South West",
            Region::National => "National",
        }
    }

    pub fn parse(s: &str) -> Option<Region> {
        Region::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Job roles offered as suggestions when registering; members may write their own.
pub const JOB_ROLE_SUGGESTIONS: &[&str] = &[
    "Mental health social worker",
    "Approved Mental Health Professional (AMHP)",
    "Best Interests Assessor (BIA)",
    "Practice supervisor",
    "Social supervisor",
    "Team manager",
    "Professional lead for social work",
    "Principal social worker",
    "AMHP service lead",
    "Newly qualified social worker (ASYE)",
    "Student social worker",
    "Educator or researcher",
];
