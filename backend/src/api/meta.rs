//! Reference lists the forms need: regions, roles, job-role suggestions.

use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi, Tags};

use crate::model::{JOB_ROLE_SUGGESTIONS, Region, Role};

#[derive(Tags)]
enum Tag {
    /// Reference lists.
    Meta,
}

#[derive(Object)]
pub struct RegionInfo {
    pub id: Region,
    pub name: String,
}

#[derive(Object)]
pub struct MetaInfo {
    pub regions: Vec<RegionInfo>,
    pub roles: Vec<Role>,
    pub job_roles: Vec<String>,
}

pub struct MetaApi;

#[OpenApi(prefix_path = "/meta", tag = "Tag::Meta")]
impl MetaApi {
    /// Regions, roles and job-role suggestions.
    #[oai(path = "/", method = "get", operation_id = "getMeta")]
    async fn meta(&self) -> Json<MetaInfo> {
        Json(MetaInfo {
            regions: Region::ALL
                .into_iter()
                .map(|r| RegionInfo {
                    id: r,
                    name: r.name().to_owned(),
                })
                .collect(),
            roles: Role::ALL.to_vec(),
            job_roles: JOB_ROLE_SUGGESTIONS
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
        })
    }
}
