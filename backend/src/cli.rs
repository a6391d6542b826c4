//! The `partners` command line: serve, migrate, user, demo, import, export, openapi.

use std::io::Read as _;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{Config, LogFormat};
use crate::db::Db;
use crate::db::audit::NewAudit;
use crate::db::tokens::{AccountToken, TokenPurpose};
use crate::db::users::{NewUser, User};
use crate::model::{MemberStatus, Region, Role};
use crate::validate;

#[derive(Parser)]
#[command(
    name = "partners",
    version,
    about = "Partners in Practice: a community of practice for NHS mental health social workers"
)]
pub struct Cli {
    /// A TOML file with configuration keys in lower case (the environment wins over it).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Apply pending migrations, load the demo content on a first start, and serve.
    Serve {
        /// Don't load the demo content, even into an empty database.
        #[arg(long)]
        no_demo: bool,
    },
    /// Database migrations.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Member accounts.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Load the demo content (does nothing when it is already there).
    Demo,
    /// Import library resources from Markdown files with YAML front matter (idempotent by slug).
    Import {
        /// The folder of `.md` files; attachments are named relative to it.
        dir: PathBuf,
        /// Report what would be created, updated or refused, and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// The account the changes are made as (default: the first admin).
        #[arg(long = "as", value_name = "EMAIL")]
        actor: Option<String>,
    },
    /// Export every library resource as Markdown files with front matter, attachments beside them.
    Export {
        /// The folder to write (created when missing; files of the same name are replaced).
        dir: PathBuf,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Print the text of an attachment as JSON pages (run by the server in a child process,
    /// under the limits it passes).
    #[command(hide = true)]
    ExtractText {
        /// The type found at upload (pdf, docx, odt).
        #[arg(long = "type")]
        file_type: String,
        #[arg(long, default_value_t = 1 << 30)]
        memory_limit: u64,
        #[arg(long, default_value_t = 120)]
        cpu_seconds: u64,
        #[arg(long, default_value_t = 8 << 20)]
        max_text_bytes: usize,
        file: PathBuf,
    },
    /// Rebuild the search index from the database into a new directory beside the live one,
    /// then swap it in (a running server keeps answering and switches to it on its own).
    Reindex,
}

#[derive(Subcommand)]
pub enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// List migrations and whether each is applied.
    Status,
    /// Revert the most recent migrations.
    Down {
        #[arg(long, default_value_t = 1)]
        steps: usize,
    },
}

#[derive(Subcommand)]
pub enum UserAction {
    /// Create a member account.
    Create(CreateUser),
    /// Set a member's password (for example the demo admin's, if its first-start password is lost).
    SetPassword {
        #[arg(long)]
        email: String,
        /// Read the password from standard input (otherwise one is generated and printed).
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Args)]
pub struct CreateUser {
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub name: String,
    #[arg(long, value_parser = ["member", "curator", "moderator", "admin"], default_value = "member")]
    pub role: String,
    /// Read the password from standard input (otherwise one is generated and printed).
    #[arg(long)]
    pub password_stdin: bool,
    /// Mark the address as verified and the membership as active.
    #[arg(long)]
    pub verified: bool,
    #[arg(long, default_value = "Partners in Practice")]
    pub organisation: String,
    #[arg(long, default_value = "Administrator")]
    pub job_role: String,
    #[arg(long, default_value = "national")]
    pub region: String,
}

pub fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    if let Command::Openapi = cli.command {
        println!("{}", crate::api::openapi_json());
        return std::process::ExitCode::SUCCESS;
    }
    // The extractor needs no configuration, database or runtime: only the file.
    if let Command::ExtractText {
        file_type,
        memory_limit,
        cpu_seconds,
        max_text_bytes,
        file,
    } = &cli.command
    {
        return std::process::ExitCode::from(crate::files::extract::child_main(
            file,
            file_type,
            *memory_limit,
            *cpu_seconds,
            *max_text_bytes,
        ));
    }
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("partners: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    init_logging(&config);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("partners: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, config)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("partners: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log_filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match config.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}

/// Connects and migrates off the async runtime (diesel and migrations block).
async fn connect(config: &Config) -> anyhow::Result<Db> {
    let url = config.database_url.clone();
    let size = config.db_pool_size;
    tokio::task::spawn_blocking(move || Db::connect(&url, size)).await?
}

pub async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve { no_demo } => serve(config, no_demo).await,
        Command::Migrate { action } => {
            let db = connect(&config).await?;
            tokio::task::spawn_blocking(move || migrate(&db, action)).await?
        }
        Command::User {
            action: UserAction::Create(args),
        } => {
            let db = connect(&config).await?;
            migrate_up(&db).await?;
            let password = read_or_generate_password(args.password_stdin)?;
            let generated = !args.password_stdin;
            let public_url = config.public_url.clone();
            let email = tokio::task::spawn_blocking(move || {
                create_user(&db, &args, &password, &public_url, generated)
            })
            .await??;
            println!("created {email}");
            Ok(())
        }
        Command::User {
            action:
                UserAction::SetPassword {
                    email,
                    password_stdin,
                },
        } => {
            let db = connect(&config).await?;
            migrate_up(&db).await?;
            let password = read_or_generate_password(password_stdin)?;
            let email =
                validate::canonical_email(&email).map_err(|m| anyhow::anyhow!("--email: {m}"))?;
            validate::password(&password, &email).map_err(|m| anyhow::anyhow!("password: {m}"))?;
            let hash = crate::auth::password::Hasher::hash_now(&password)?;
            let changed = tokio::task::spawn_blocking(move || -> anyhow::Result<bool> {
                let mut conn = db.get()?;
                let Some(user) = User::find_by_email(&mut conn, &email)? else {
                    return Ok(false);
                };
                diesel::Connection::transaction::<_, crate::db::DbError, _>(&mut *conn, |c| {
                    User::update(
                        c,
                        user.id(),
                        crate::db::users::UserUpdate {
                            password_hash: Some(hash),
                            ..Default::default()
                        },
                    )?;
                    crate::db::sessions::SessionRow::delete_for_user(c, user.id, None)?;
                    NewAudit::member(None, "member.password_reset", user.id)
                        .details("set from the command line")
                        .write(c)
                })?;
                Ok(true)
            })
            .await??;
            if !changed {
                anyhow::bail!("--email: no account with that address");
            }
            if !password_stdin {
                println!("password: {password}");
            }
            println!("password set; the member's sessions were signed out");
            Ok(())
        }
        Command::Demo => {
            let db = connect(&config).await?;
            migrate_up(&db).await?;
            let public_url = config.public_url.clone();
            let report = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
                Ok(crate::demo::load(&mut *db.get()?, &public_url)?)
            })
            .await??;
            match report {
                Some(r) => print_demo(&config, &r),
                None => println!("The demo content is already loaded."),
            }
            Ok(())
        }
        Command::Import {
            dir,
            dry_run,
            actor,
        } => {
            let db = connect(&config).await?;
            migrate_up(&db).await?;
            let files = crate::files::store::FileStore::from_config(&config)?;
            let max = config.attachment_max_bytes;
            let report = tokio::task::spawn_blocking(move || {
                import(&db, &files, max, &dir, dry_run, actor.as_deref())
            })
            .await??;
            print!("{}", report.render());
            if report.failed() > 0 {
                anyhow::bail!("{} of {} files failed", report.failed(), report.files.len());
            }
            Ok(())
        }
        Command::Export { dir } => {
            let db = connect(&config).await?;
            migrate_up(&db).await?;
            let shown = dir.display().to_string();
            let files = crate::files::store::FileStore::from_config(&config)?;
            let report = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
                crate::library::transfer::export(&mut *db.get()?, Some(&files), &dir)
            })
            .await??;
            println!(
                "exported {} resources and {} attachments to {shown}",
                report.resources, report.attachments
            );
            Ok(())
        }
        Command::Reindex => {
            let db = connect(&config).await?;
            migrate_up(&db).await?;
            let root = config.index_dir();
            tokio::task::spawn_blocking(move || reindex(&db, &root)).await?
        }
        Command::Openapi | Command::ExtractText { .. } => Ok(()),
    }
}

/// Runs an import with a progress bar on the terminal (none when output is redirected).
fn import(
    db: &Db,
    files: &crate::files::store::FileStore,
    max_attachment_bytes: usize,
    dir: &std::path::Path,
    dry_run: bool,
    actor: Option<&str>,
) -> anyhow::Result<crate::library::transfer::ImportReport> {
    use crate::library::transfer;
    if !dir.is_dir() {
        anyhow::bail!("{}: not a folder", dir.display());
    }
    let mut conn = db.get()?;
    let actor = match actor {
        Some(email) => {
            let email =
                validate::canonical_email(email).map_err(|m| anyhow::anyhow!("--as: {m}"))?;
            User::find_by_email(&mut conn, &email)?
                .filter(|u| u.role().can_curate())
                .ok_or_else(|| anyhow::anyhow!("--as: no curator or admin with that address"))?
        }
        None => transfer::default_actor(&mut conn)?.ok_or_else(|| {
            anyhow::anyhow!(
                "no admin account to import as: create one, or name a curator with --as"
            )
        })?,
    };
    let total = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
                .count()
        })
        .unwrap_or(0);
    // indicatif draws nothing when standard error is not a terminal.
    let bar = indicatif::ProgressBar::new(total as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {wide_msg}") {
        bar.set_style(style);
    }
    let report = transfer::import(
        &mut conn,
        &actor,
        &transfer::Source::Dir(dir.to_owned()),
        transfer::ImportOptions {
            dry_run,
            demo: false,
            files: Some(files),
            max_attachment_bytes,
        },
        &mut |name| {
            bar.set_message(name.to_owned());
            bar.inc(1);
        },
    );
    bar.finish_and_clear();
    Ok(report?)
}

fn reindex(db: &Db, root: &std::path::Path) -> anyhow::Result<()> {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} indexing [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)",
        )
        .map_err(|e| anyhow::anyhow!("progress bar: {e}"))?
        .progress_chars("=> "),
    );
    let started = std::time::Instant::now();
    let (name, count) = crate::search::rebuild(db, root, |step| match step {
        Some(total) => bar.set_length(total),
        None => bar.inc(1),
    })?;
    bar.finish_and_clear();
    // Without a server running, nothing else will tidy the old generations away.
    crate::search::remove_unused_generations(root, &name);
    println!(
        "indexed {count} documents in {:.1} s into {}; it is now the live index",
        started.elapsed().as_secs_f64(),
        root.join(&name).display()
    );
    Ok(())
}

fn read_or_generate_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        let mut pw = String::new();
        std::io::stdin().read_to_string(&mut pw)?;
        Ok(pw.trim_end_matches(['\n', '\r']).to_owned())
    } else {
        Ok(crate::auth::random_token()[..20].to_owned())
    }
}

async fn migrate_up(db: &Db) -> anyhow::Result<Vec<String>> {
    let db = db.clone();
    tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<String>> {
        let mut conn = db.get()?;
        crate::db::migrations::run_pending(&mut conn)
            .map_err(|e| anyhow::anyhow!("migrating the database: {e}"))
    })
    .await?
}

fn migrate(db: &Db, action: MigrateAction) -> anyhow::Result<()> {
    let mut conn = db.get()?;
    match action {
        MigrateAction::Up => {
            let applied = crate::db::migrations::run_pending(&mut conn)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if applied.is_empty() {
                println!("Nothing to apply: the database is up to date.");
            }
            for m in applied {
                println!("applied {m}");
            }
        }
        MigrateAction::Status => {
            for (name, applied) in
                crate::db::migrations::status(&mut conn).map_err(|e| anyhow::anyhow!("{e}"))?
            {
                println!("{} {name}", if applied { "[x]" } else { "[ ]" });
            }
        }
        MigrateAction::Down { steps } => {
            for m in crate::db::migrations::revert(&mut conn, steps)
                .map_err(|e| anyhow::anyhow!("{e}"))?
            {
                println!("reverted {m}");
            }
        }
    }
    Ok(())
}

fn create_user(
    db: &Db,
    args: &CreateUser,
    password: &str,
    public_url: &str,
    generated: bool,
) -> anyhow::Result<String> {
    let email =
        validate::canonical_email(&args.email).map_err(|m| anyhow::anyhow!("--email: {m}"))?;
    let name = validate::display_name(&args.name).map_err(|m| anyhow::anyhow!("--name: {m}"))?;
    let role = Role::parse(&args.role).ok_or_else(|| anyhow::anyhow!("--role: unknown role"))?;
    let region =
        Region::parse(&args.region).ok_or_else(|| anyhow::anyhow!("--region: unknown region"))?;
    let organisation = validate::short_text(&args.organisation, 120, "empty")
        .map_err(|m| anyhow::anyhow!("--organisation: {m}"))?;
    let job_role = validate::short_text(&args.job_role, 100, "empty")
        .map_err(|m| anyhow::anyhow!("--job-role: {m}"))?;
    validate::password(password, &email).map_err(|m| anyhow::anyhow!("password: {m}"))?;
    let hash = crate::auth::password::Hasher::hash_now(password)?;
    let key = validate::display_name_key(&name);
    let mut conn = db.get()?;
    if User::find_by_email(&mut conn, &email)?.is_some() {
        anyhow::bail!("--email: an account with {email} already exists");
    }
    if User::display_name_key_taken(&mut conn, &key, None)? {
        anyhow::bail!("--name: that name is taken or looks too like one that is");
    }
    let status = if args.verified {
        MemberStatus::Active
    } else {
        MemberStatus::Unverified
    };
    let token = crate::auth::random_token();
    diesel::Connection::transaction::<_, crate::db::DbError, _>(&mut *conn, |c| {
        let at = crate::db::now();
        let user = User::insert(
            c,
            &NewUser {
                email: &email,
                password_hash: &hash,
                display_name: &name,
                display_name_key: &key,
                organisation: &organisation,
                job_role: &job_role,
                region: region.as_str(),
                role: role.as_str(),
                status: status.as_str(),
                email_verified: args.verified,
                created_at: at,
                updated_at: at,
            },
        )?;
        NewAudit::member(None, "member.registered", user.id)
            .details(&format!(
                "created from the command line as {}",
                role.as_str()
            ))
            .write(c)?;
        if !args.verified {
            AccountToken::insert(
                c,
                &AccountToken {
                    token_hash: crate::auth::sha256_hex(&token),
                    user_id: user.id,
                    purpose: TokenPurpose::VerifyEmail.as_str().into(),
                    created_at: at,
                    expires_at: at + chrono::TimeDelta::hours(48),
                    used_at: None,
                },
            )?;
            crate::db::outbox::OutboxRow::enqueue(
                c,
                &email,
                "Confirm your e-mail address for Partners in Practice",
                &format!(
                    "Dear {name},\n\nAn account was created for you. Confirm your address:\n{public_url}/verify-email?token={token}\n"
                ),
            )?;
        }
        Ok(())
    })?;
    if generated {
        println!("password: {password}");
    }
    Ok(email)
}

async fn serve(config: Config, no_demo: bool) -> anyhow::Result<()> {
    let db = connect(&config).await?;
    tracing::info!(database = %db.url().redacted(), "connected");
    for m in migrate_up(&db).await? {
        tracing::info!(migration = %m, "applied");
    }
    std::fs::create_dir_all(config.index_dir()).map_err(|e| {
        anyhow::anyhow!(
            "DATA_DIR: cannot create {}: {e}",
            config.index_dir().display()
        )
    })?;
    if !no_demo {
        let db2 = db.clone();
        let public_url = config.public_url.clone();
        let report = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
            let mut conn = db2.get()?;
            if crate::db::migrations::is_empty(&mut conn)? {
                Ok(crate::demo::load(&mut conn, &public_url)?)
            } else {
                Ok(None)
            }
        })
        .await??;
        match report {
            Some(r) => print_demo(&config, &r),
            None => {
                let db3 = db.clone();
                let demo = tokio::task::spawn_blocking(move || -> anyhow::Result<bool> {
                    Ok(crate::demo::is_loaded(&mut *db3.get()?)?)
                })
                .await??;
                if demo {
                    println!();
                    println!(
                        "  Partners in Practice: sign in at {}/sign-in",
                        config.public_url
                    );
                    println!(
                        "    demo admin: {} (its password was printed on the first start;",
                        crate::demo::DEMO_ADMIN_EMAIL
                    );
                    println!(
                        "    set a new one with: partners user set-password --email {})",
                        crate::demo::DEMO_ADMIN_EMAIL
                    );
                    println!();
                }
            }
        }
    }
    let state = crate::state::AppState::build(config, db.clone()).await?;
    tokio::spawn(state.mailer.clone().run(db.clone()));
    tokio::spawn(state.notifier.clone().run(
        db.clone(),
        state.config.clone(),
        state.mailer.clone(),
    ));
    tokio::spawn(state.extractor.clone().run(state.clone()));
    if state.config.link_check {
        tokio::spawn(crate::library::link_check::run(
            db.clone(),
            state.config.link_check_interval,
        ));
    }
    tokio::spawn(crate::library::reminders::run(
        db.clone(),
        state.mailer.clone(),
    ));
    let sessions = state.sessions.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = sessions.sweep().await {
                tracing::warn!(error = %e, "sweeping expired sessions");
            }
        }
    });
    crate::server::serve(state).await
}

fn print_demo(config: &Config, r: &crate::demo::DemoReport) {
    println!();
    println!("  Partners in Practice demo content loaded (everything marked \"demo\").");
    if let Some(l) = &r.library {
        println!(
            "  Library: {} resources, {} collections, {} practice examples, {} forum threads.",
            l.resources, l.collections, l.practice_examples, l.threads
        );
    }
    match &r.admin_password {
        Some(pw) => {
            println!("  Sign in at {}/sign-in", config.public_url);
            println!("    e-mail:   {}", r.admin_email);
            println!("    password: {pw}");
            println!(
                "  (shown once; to make another admin: partners user create --role admin --email ... --name ... --verified)"
            );
        }
        None => println!(
            "  The demo admin {} already existed; its password is unchanged.",
            r.admin_email
        ),
    }
    println!();
}
