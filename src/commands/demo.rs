//! `rootsweep demo`: the root audit and the dry-run plan, then a users audit and the dry runs of
//! `users tidy`, `users delete` and `users deactivate`, each against a
//! built-in simulated organization started in-process on a free loopback port and reached
//! through the normal code path.

use super::change::Request;
use super::Ctx;
use crate::cli::{DemoArgs, Output};
use crate::config::{Config, DEFAULT_REPORT_DIR};
use crate::exit::Exit;
use crate::root::plan::Scope;
use crate::sim::{self, Scenario, Server};
use anyhow::Context;
use std::path::PathBuf;
use std::time::Duration;

const BANNER: &str =
    "=== SIMULATED ORGANIZATION: rootsweep demo; no real AWS account is contacted or changed ===";

/// The organization of the users demo: IAM users of every verdict (the root demo's organization
/// has none).
const USERS_TOML: &str = include_str!("../../tests/scenarios/users.toml");

/// The demo organization's bucket with a deny-everyone policy, and its account.
const DEMO_BUCKET: &str = "demo-locked-bucket";
const DEMO_BUCKET_ACCOUNT: &str = "222222222206";

/// The demo's last words: what to run against a real organization.
const NEXT: &str = "\
Next, against a real organization (credentials of the management account or of the IAM
delegated administrator; `cargo run --release --` in place of `rootsweep` from a source tree):
  rootsweep policy                               the IAM policy your identity needs
  rootsweep preflight --profile YOUR_PROFILE     is centralized root access usable?
  rootsweep audit --profile YOUR_PROFILE         read-only audit; CSV and JSON reports
  rootsweep delete --dry-run --profile YOUR_PROFILE
  rootsweep recover --accounts ID --dry-run      give one root user a login profile back
  rootsweep unlock s3 --account ID --bucket NAME --dry-run   a bucket policy that locks all out
  rootsweep users audit --profile YOUR_PROFILE   IAM users of every account, read-only
  rootsweep users tidy --dry-run --profile YOUR_PROFILE
  rootsweep users delete --stale-days 90 --dry-run --profile YOUR_PROFILE
  rootsweep users deactivate --dry-run --profile YOUR_PROFILE";

/// Runs the demo.
pub async fn run(args: &DemoArgs) -> anyhow::Result<Exit> {
    if let Some(exit) = root_steps(args).await? {
        return Ok(exit);
    }
    users_steps(args).await
}

/// Steps 1 to 2b, in the demo organization: preflight, the audit and what `delete` would do,
/// what `unlock s3` would do. `Some(exit)` ends the demo there.
async fn root_steps(args: &DemoArgs) -> anyhow::Result<Option<Exit>> {
    let (server, ctx) = start(Scenario::demo(), args).await?;
    // The simulator's address is not shown: it is gone when the demo ends.
    println!("{BANNER}\n");

    println!("Step 1: preflight");
    let pre = match crate::preflight::run(&ctx.aws).await {
        Ok(pre) => pre,
        Err(e) => {
            server.shutdown().await;
            return Err(e.into());
        }
    };
    println!("{}\n", super::preflight::render(&pre));
    if !pre.passed() {
        server.shutdown().await;
        return Ok(Some(Exit::Fatal));
    }
    println!("Step 2: audit (read-only AssumeRoot sessions with IAMAuditRootUserCredentials),");
    println!("        then what `rootsweep delete` would do (dry run; nothing is changed)");
    let plan = Request::dry_run("rootsweep delete");
    let finished = super::root::pipeline(&ctx, &pre, plan, Scope::ALL).await;
    let finished = match finished {
        Ok(f) => f,
        Err(e) => {
            server.shutdown().await;
            return Err(e);
        }
    };
    eprintln!(
        "{}",
        super::timing_line(&ctx, "demo audit", finished.accounts)
    );
    if let Some(exit) = ctx.cancel.exit() {
        server.shutdown().await;
        return Ok(Some(exit));
    }
    println!("\nStep 2b: a bucket whose policy denies everyone: what `rootsweep unlock s3` would");
    println!("         remove (S3UnlockBucketPolicy root session; dry run, nothing is changed)");
    let buckets = std::collections::BTreeMap::from([(
        DEMO_BUCKET_ACCOUNT.to_string(),
        vec![DEMO_BUCKET.to_string()],
    )]);
    let unlocked = super::unlock::pipeline(
        &ctx,
        &pre,
        Request::dry_run("rootsweep unlock s3"),
        crate::unlock::api::Kind::S3,
        buckets,
    )
    .await;
    server.shutdown().await;
    unlocked?;
    Ok(ctx.cancel.exit())
}

/// Steps 3 and 4, in the users organization: the users audit, then what `users tidy`,
/// `users delete` and `users deactivate` would do; the closing banner and what to run next.
async fn users_steps(args: &DemoArgs) -> anyhow::Result<Exit> {
    let scenario =
        Scenario::from_toml_str(USERS_TOML, "users.toml").context("the bundled users scenario")?;
    let (server, ctx) = start(scenario, args).await?;
    println!("\nStep 3: `rootsweep users audit` in another simulated organization:");
    println!("        member accounts through OrganizationAccountAccessRole, the management");
    println!("        account with the caller's own credentials (read-only)");
    let pre = match crate::preflight::run_users(&ctx.aws).await {
        Ok(pre) => pre,
        Err(e) => {
            server.shutdown().await;
            return Err(e.into());
        }
    };
    let finished = if pre.passed() {
        let stale_days = crate::users::DEFAULT_STALE_DAYS;
        let audit = super::users::audit::pipeline(&ctx, &pre, stale_days, None).await;
        users_dry_runs(&ctx, &pre).await?;
        Some(audit)
    } else {
        println!("{}", super::preflight::render(&pre));
        None
    };
    println!("\n{BANNER}\n\n{NEXT}");
    server.shutdown().await;
    if let Some(finished) = finished {
        eprintln!(
            "{}",
            super::timing_line(&ctx, "demo users audit", finished?.accounts)
        );
    }
    Ok(ctx.cancel.exit().unwrap_or(Exit::Success))
}

/// Step 4: what `users tidy`, `users delete --stale-days 90` and `users deactivate` would do (dry runs; each its own
/// run, so its own report files).
async fn users_dry_runs(ctx: &Ctx, pre: &crate::preflight::Preflight) -> anyhow::Result<()> {
    println!("\nStep 4: what `rootsweep users tidy` would do (dry run; nothing is changed)");
    let tidy = again(ctx);
    let plan = Request::dry_run("rootsweep users tidy");
    super::users::tidy::pipeline(&tidy, pre, plan, None).await?;
    println!(
        "\n        and `rootsweep users delete --stale-days 90` (dry run; nothing is changed)"
    );
    let delete = again(ctx);
    let plan = Request::dry_run("rootsweep users delete --stale-days 90");
    let stale = crate::users::plan::Select::Stale;
    let stale_days = crate::users::DEFAULT_STALE_DAYS;
    super::users::delete::pipeline(&delete, pre, plan, stale, stale_days, None).await?;
    println!(
        "\n        and `rootsweep users deactivate` (dry run; nothing is changed): the credentials\n        unused for {} days or more, each switched off and recorded for `users reactivate`",
        crate::users::deactivate::DEFAULT_UNUSED_DAYS
    );
    let deactivate = again(ctx);
    let plan = Request::dry_run("rootsweep users deactivate");
    let asked = super::users::deactivate::Asked::default();
    super::users::deactivate::pipeline(&deactivate, pre, plan, asked, None).await?;
    Ok(())
}

/// The same context as a new run (its own start time, so its own report names).
fn again(ctx: &Ctx) -> Ctx {
    // Report names carry the start time to the millisecond.
    std::thread::sleep(Duration::from_millis(2));
    Ctx {
        config: ctx.config.clone(),
        aws: ctx.aws.clone(),
        cancel: ctx.cancel.clone(),
        output: ctx.output,
        started: std::time::Instant::now(),
        started_at: std::time::SystemTime::now(),
    }
}

/// Starts a simulator for `scenario` and a run context pointed at it with its caller's keys.
async fn start(scenario: Scenario, args: &DemoArgs) -> anyhow::Result<(sim::Running, Ctx)> {
    let (key, secret) = scenario.management_access_key();
    let credentials =
        aws_credential_types::Credentials::new(key, secret, None, None, "rootsweep-demo");
    let server = Server::start(scenario, ([127, 0, 0, 1], 0).into())
        .await
        .context("starting the simulator")?;
    let config = Config {
        aws: crate::aws::Settings {
            profile: None,
            region: Some("us-east-1".into()),
            endpoint_url: Some(server.url()),
            max_attempts: 3,
            call_timeout: Duration::from_secs(10),
            max_rps: None,
            credentials: Some(credentials),
        },
        concurrency: 8,
        report_dir: args
            .report_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_REPORT_DIR).join("demo")),
        accounts: Vec::new(),
        ous: Vec::new(),
        exclude: Vec::new(),
        role_name: crate::users::DEFAULT_ROLE_NAME.to_string(),
    };
    let ctx = super::with_config(config, Output::Text).await?;
    Ok((server, ctx))
}
