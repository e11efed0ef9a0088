//! Turns the raw scenario file into the validated model, rejecting bad values with file/line/key.
//!
//! Imports `raw`, `model`, `source`, `generate` and the helpers below; never `scenario`, which
//! wraps the result.

pub(crate) mod account;
pub(crate) mod credentials;
pub(crate) mod ctx;
pub(crate) mod guardrails;
pub(crate) mod moves;
pub(crate) mod resources;
pub(crate) mod root;
pub(crate) mod shaping;
pub(crate) mod tags;
pub(crate) mod users;
pub(crate) mod values;

use crate::sim::scenario::raw;
use crate::sim::scenario::source::{Error, Source};
use crate::sim::world::credentials::*;
use crate::sim::world::model::*;
use ctx::Ctx;
use std::collections::{HashMap, HashSet};
use time::OffsetDateTime;
use values::account_id;

type Result<T> = std::result::Result<T, Error>;

/// The validated parts of a scenario, before `scenario.rs` names its source.
pub(crate) struct Validated {
    pub org: Organization,
    pub callers: Vec<Caller>,
    pub ous: Vec<Ou>,
    pub accounts: Vec<Account>,
    pub latency: Latency,
    pub throttles: Vec<Throttle>,
    pub faults: Vec<Fault>,
    pub seed: Option<u64>,
}

/// The IAM centralized root access features.
const IAM_FEATURES: [&str; 2] = ["RootCredentialsManagement", "RootSessions"];

/// Validates a whole scenario.
pub(crate) fn scenario(raw: raw::Scenario, src: &Source<'_>) -> Result<Validated> {
    let mut org = organization(&raw.organization, src)?;
    // The simulator's clock: every `*_days_ago` counts back from the moment of loading.
    let now = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(DEFAULT_DATE);
    let mut callers = Vec::new();
    let mut keys = HashSet::new();
    for c in &raw.callers {
        let account = account_id(&c.account, "account", src)?;
        if !keys.insert(c.access_key_id.get_ref().clone()) || c.access_key_id.get_ref().len() < 16 {
            return Err(src.error(
                c.access_key_id.span(),
                "access_key_id",
                "duplicate or too short (16+ characters)",
            ));
        }
        if let Some(u) = c
            .user
            .as_ref()
            .filter(|u| !users::valid_name(u.get_ref(), 64))
        {
            return Err(src.error(u.span(), "user", "invalid IAM user name"));
        }
        let user = c.user.as_ref().map(|u| u.get_ref().clone());
        let arn = c.arn.clone().unwrap_or_else(|| {
            format!(
                "arn:{}:iam::{account}:user/{}",
                org.partition.as_str(),
                user.as_deref().unwrap_or(c.access_key_id.get_ref())
            )
        });
        callers.push(Caller {
            access_key_id: c.access_key_id.get_ref().clone(),
            secret_access_key: c.secret_access_key.clone(),
            account,
            arn,
            user,
        });
    }
    if !callers.iter().any(|c| c.account == org.management_account) {
        let span = raw.organization.management_account.span();
        return Err(src.error(
            span,
            "management_account",
            "no [[callers]] entry belongs to the management account",
        ));
    }

    let mut ous = Vec::new();
    for o in &raw.ous {
        let id = o.id.get_ref();
        if !valid_ou_id(id) {
            return Err(src.error(
                o.id.span(),
                "id",
                format!("invalid OU id {id:?} (ou-xxxx-xxxxxxxx)"),
            ));
        }
        if ous.iter().any(|x: &Ou| &x.id == id) {
            return Err(src.error(o.id.span(), "id", format!("duplicate OU id {id}")));
        }
        ous.push(Ou {
            id: id.clone(),
            name: o.name.clone(),
            parent: o.parent.get_ref().clone(),
        });
    }
    let known_parent = |p: &str, ous: &[Ou]| p == org.root_id || ous.iter().any(|o| o.id == p);
    for (o, raw_ou) in ous.iter().zip(&raw.ous) {
        if !known_parent(&o.parent, &ous) || o.parent == o.id {
            return Err(src.error(
                raw_ou.parent.span(),
                "parent",
                format!("unknown parent {:?}", o.parent),
            ));
        }
    }
    if let Some(pos) = (0..ous.len()).find(|i| depth(&ous, &ous[*i].id, &org.root_id).is_none()) {
        return Err(src.error(
            raw.ous[pos].parent.span(),
            "parent",
            "OU parents form a cycle",
        ));
    }

    let mut accounts: Vec<Account> = Vec::new();
    let mut seen: HashMap<String, ()> = HashMap::new();
    // S3 bucket names are global across accounts.
    let mut bucket_names: HashMap<String, ()> = HashMap::new();
    for a in &raw.accounts {
        let acct = account::account(a, &org, &ous, now, src)?;
        if seen.insert(acct.id.clone(), ()).is_some() {
            return Err(src.error(
                a.id.span(),
                "id",
                format!("duplicate account id {}", acct.id),
            ));
        }
        for (b, raw_b) in acct.buckets.iter().zip(&a.buckets) {
            if bucket_names.insert(b.name.clone(), ()).is_some() {
                return Err(src.error(
                    raw_b.name.span(),
                    "name",
                    format!("bucket {} exists already (bucket names are global)", b.name),
                ));
            }
        }
        accounts.push(acct);
    }
    if !seen.contains_key(&org.management_account) {
        accounts.insert(
            0,
            Account {
                id: org.management_account.clone(),
                name: "management".into(),
                email: org.management_email.clone(),
                state: AccountState::Active,
                state_listed: true,
                status: AccountState::Active.legacy_status(),
                parent: org.root_id.clone(),
                root: RootUser::default(),
                iam: Default::default(),
                roles: Vec::new(),
                external_id: None,
                buckets: Vec::new(),
                queues: Vec::new(),
            },
        );
    }
    for (d, raw_d) in org
        .delegated_administrators
        .iter()
        .zip(&raw.organization.delegated_administrators)
    {
        if !accounts.iter().any(|a| a.id == d.0) || d.0 == org.management_account {
            return Err(src.error(
                raw_d.account.span(),
                "account",
                "delegated administrator must be a member account",
            ));
        }
    }
    if let Some(g) = &raw.generate {
        let ratios = crate::sim::scenario::generate::Ratios::from_raw(g, src)?;
        let (new_ous, mut new_accounts) =
            crate::sim::scenario::generate::organization(g, &ratios, &org, &accounts);
        let user_ratios = crate::sim::scenario::generate_users::Ratios::from_raw(g, src)?;
        crate::sim::scenario::generate_users::users(g, &user_ratios, &org, now, &mut new_accounts);
        ous.extend(new_ous);
        accounts.extend(new_accounts);
    }
    for (c, raw_c) in callers.iter().zip(&raw.callers) {
        let (Some(name), Some(span)) = (&c.user, raw_c.user.as_ref().map(|u| u.span())) else {
            continue;
        };
        let Some(a) = accounts.iter_mut().find(|a| a.id == c.account) else {
            return Err(src.error(
                span,
                "user",
                "a caller's user needs an account of the organization",
            ));
        };
        let ctx = Ctx {
            account: &a.id,
            partition: org.partition,
            now,
            src,
        };
        let mut dir = std::mem::take(&mut a.iam);
        users::caller_user(c, name, &mut dir, &ctx);
        a.iam = dir;
    }

    let latency = shaping::latency(&raw.latency, src)?;
    let throttles = raw
        .throttle
        .iter()
        .map(|t| shaping::throttle(t, src))
        .collect::<Result<Vec<_>>>()?;
    let faults = raw
        .faults
        .iter()
        .map(|f| shaping::fault(f, src))
        .collect::<Result<Vec<_>>>()?;
    org.iam_page_size = org.iam_page_size.max(1);
    org.moves = moves::moves(&raw.moves, &org, &ous, &accounts, src)?;
    org.guardrails = guardrails::guardrails(&raw.guardrails, &org, &ous, &accounts, src)?;
    Ok(Validated {
        org,
        callers,
        ous,
        accounts,
        latency,
        throttles,
        faults,
        seed: raw.seed,
    })
}

fn organization(o: &raw::Organization, src: &Source<'_>) -> Result<Organization> {
    let id = o.id.get_ref();
    let id_ok = id.len() >= 12
        && id.starts_with("o-")
        && id[2..]
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !id_ok {
        return Err(src.error(
            o.id.span(),
            "id",
            format!("invalid organization id {id:?} (o- and 10+ lowercase alphanumerics)"),
        ));
    }
    let partition = match o
        .partition
        .as_ref()
        .map(|p| (p.get_ref().as_str(), p.span()))
    {
        None | Some(("aws", _)) => Partition::Aws,
        Some(("aws-us-gov", _)) => Partition::UsGov,
        Some(("aws-cn", _)) => Partition::Cn,
        Some((other, span)) => {
            return Err(src.error(
                span,
                "partition",
                format!("unknown partition {other:?} (aws, aws-us-gov, aws-cn)"),
            ))
        }
    };
    let root_id = match &o.root_id {
        Some(r) if r.get_ref().starts_with("r-") && r.get_ref().len() >= 6 => r.get_ref().clone(),
        Some(r) => {
            return Err(src.error(
                r.span(),
                "root_id",
                "invalid root id (r- and 4+ characters)",
            ))
        }
        None => format!("r-{}", &id[2..6]),
    };
    let all_features = match o
        .feature_set
        .as_ref()
        .map(|f| (f.get_ref().as_str(), f.span()))
    {
        None | Some(("ALL", _)) => true,
        Some(("CONSOLIDATED_BILLING", _)) => false,
        Some((other, span)) => {
            return Err(src.error(
                span,
                "feature_set",
                format!("unknown feature set {other:?} (ALL, CONSOLIDATED_BILLING)"),
            ))
        }
    };
    for f in &o.iam_features {
        if !IAM_FEATURES.contains(&f.get_ref().as_str()) {
            return Err(src.error(
                f.span(),
                "iam_features",
                format!("unknown IAM feature {:?}", f.get_ref()),
            ));
        }
    }
    let mut delegated = Vec::new();
    for d in &o.delegated_administrators {
        delegated.push((
            account_id(&d.account, "account", src)?,
            d.service_principal.clone(),
        ));
    }
    let management_account = account_id(&o.management_account, "management_account", src)?;
    let empty_first_page = o.empty_first_page.unwrap_or(false);
    let report_generation_polls = o.report_generation_polls.unwrap_or(1);
    let iam_page_size = match &o.iam_page_size {
        Some(p) if *p.get_ref() == 0 => {
            return Err(src.error(p.span(), "iam_page_size", "must be at least 1"))
        }
        Some(p) => *p.get_ref(),
        None => 100,
    };
    if let Some(s) = o
        .role_session_seconds
        .as_ref()
        .filter(|s| *s.get_ref() == 0)
    {
        return Err(src.error(s.span(), "role_session_seconds", "must be at least 1"));
    }
    Ok(Organization {
        id: id.clone(),
        partition,
        management_email: o
            .management_email
            .clone()
            .unwrap_or_else(|| format!("management+{management_account}@example.com")),
        management_account,
        root_id,
        all_features,
        trusted_access: o.trusted_access.clone(),
        iam_features: o.iam_features.iter().map(|f| f.get_ref().clone()).collect(),
        delegated_administrators: delegated,
        iam_page_size,
        empty_first_page,
        report_generation_polls,
        iam_consistency_ms: o.iam_consistency_ms.unwrap_or(0),
        role_session_seconds: o.role_session_seconds.as_ref().map(|s| *s.get_ref()),
        omit_paths: o.omit_paths.unwrap_or(false),
        moves: Vec::new(),
        guardrails: Default::default(),
    })
}

fn valid_ou_id(id: &str) -> bool {
    let mut parts = id.split('-');
    parts.next() == Some("ou")
        && parts.next().is_some_and(|p| p.len() >= 4)
        && parts.next().is_some_and(|p| p.len() >= 8)
        && parts.next().is_none()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Nesting depth of an OU, or None on a cycle.
fn depth(ous: &[Ou], id: &str, root: &str) -> Option<usize> {
    let mut current = id;
    for d in 0..=ous.len() {
        if current == root {
            return Some(d);
        }
        current = &ous.iter().find(|o| o.id == current)?.parent;
    }
    None
}
