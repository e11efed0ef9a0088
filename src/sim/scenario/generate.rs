//! Deterministic generation of large organizations from `[generate]` ratios.
//!
//! Used by `validate`; imports only `model`, `raw` and `source`.

use crate::sim::scenario::raw;
use crate::sim::scenario::source::{Error, Source};
use crate::sim::world::credentials::*;
use crate::sim::world::model::*;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::collections::HashSet;
use time::Duration;
use toml::Spanned;

/// Share of generated accounts having each kind of credential.
pub(crate) struct Ratios {
    login_profile: f64,
    mfa_virtual: f64,
    mfa_hardware: f64,
    mfa_fido: f64,
    access_keys: f64,
    signing_certificates: f64,
    suspended: f64,
    under_root: f64,
    ou_depth: usize,
}

/// Deepest OU tree AWS allows below the root.
const MAX_OU_DEPTH: usize = 5;

impl Ratios {
    /// Validates the ratios (each between 0 and 1).
    pub(crate) fn from_raw(g: &raw::Generate, src: &Source<'_>) -> Result<Ratios, Error> {
        Ok(Ratios {
            login_profile: ratio(g.login_profile.as_ref(), "login_profile", src)?,
            mfa_virtual: ratio(g.mfa_virtual.as_ref(), "mfa_virtual", src)?,
            mfa_hardware: ratio(g.mfa_hardware.as_ref(), "mfa_hardware", src)?,
            mfa_fido: ratio(g.mfa_fido.as_ref(), "mfa_fido", src)?,
            access_keys: ratio(g.access_keys.as_ref(), "access_keys", src)?,
            signing_certificates: ratio(
                g.signing_certificates.as_ref(),
                "signing_certificates",
                src,
            )?,
            suspended: ratio(g.suspended.as_ref(), "suspended", src)?,
            under_root: ratio(g.under_root.as_ref(), "under_root", src)?,
            ou_depth: match &g.ou_depth {
                None => 1,
                Some(d) if (1..=MAX_OU_DEPTH).contains(d.get_ref()) => *d.get_ref(),
                Some(d) => {
                    return Err(src.error(
                        d.span(),
                        "ou_depth",
                        format!("must be between 1 and {MAX_OU_DEPTH}"),
                    ))
                }
            },
        })
    }
}

/// `count` OUs: with `depth` 1 all under the root; deeper, the first `top` under the root and
/// each later one under a random earlier OU less than `depth` levels deep. Its own random
/// stream, so a flat tree leaves the accounts' draws as they were.
fn ou_tree(org: &Organization, count: usize, depth: usize, top: usize, seed: u64) -> Vec<Ou> {
    let mut rng = SmallRng::seed_from_u64(seed ^ 0x7EE5_0F0E);
    let root_suffix = org.root_id.trim_start_matches("r-");
    let mut levels: Vec<usize> = Vec::with_capacity(count);
    let mut ous: Vec<Ou> = Vec::with_capacity(count);
    for i in 0..count {
        let id = format!("ou-{root_suffix}-gen{i:05}");
        let open: Vec<usize> = (0..i).filter(|j| levels[*j] < depth).collect();
        let (parent, level) = if depth == 1 || i < top.max(1) || open.is_empty() {
            (org.root_id.clone(), 1)
        } else {
            let j = open[rng.gen_range(0..open.len())];
            (ous[j].id.clone(), levels[j] + 1)
        };
        levels.push(level);
        ous.push(Ou {
            id,
            name: format!("Generated {i}"),
            parent,
        });
    }
    ous
}

/// Generates `g.count` accounts spread over `g.ous` new OUs, avoiding existing ids.
pub(crate) fn organization(
    g: &raw::Generate,
    r: &Ratios,
    org: &Organization,
    existing: &[Account],
) -> (Vec<Ou>, Vec<Account>) {
    let mut rng = SmallRng::seed_from_u64(g.seed);
    let ous = ou_tree(org, g.ous, r.ou_depth, g.top_ous.unwrap_or(g.ous), g.seed);
    let mut placement = SmallRng::seed_from_u64(g.seed ^ 0x91AC_E0A0);
    let ids = account_ids(g, existing, &mut rng);
    let accounts = ids
        .into_iter()
        .enumerate()
        .map(|(n, id)| {
            let root = root_user(r, org, &id, n, &mut rng);
            let state = if rng.gen_bool(r.suspended) {
                AccountState::Suspended
            } else {
                AccountState::Active
            };
            let parent =
                if ous.is_empty() || (r.under_root > 0.0 && placement.gen_bool(r.under_root)) {
                    org.root_id.clone()
                } else {
                    ous[n % ous.len()].id.clone()
                };
            Account {
                name: format!("generated-{n:05}"),
                email: format!("generated-{n:05}@example.com"),
                id,
                status: state.legacy_status(),
                state_listed: true,
                state,
                parent,
                root,
                iam: Default::default(),
                roles: vec![crate::sim::world::directory::DEFAULT_ROLE.to_string()],
                external_id: None,
                buckets: Vec::new(),
                queues: Vec::new(),
            }
        })
        .collect();
    (ous, accounts)
}

/// `g.count` new account ids, ascending from a start the seed picks, none of them `existing`.
fn account_ids(g: &raw::Generate, existing: &[Account], rng: &mut SmallRng) -> Vec<String> {
    let taken: HashSet<&str> = existing.iter().map(|a| a.id.as_str()).collect();
    let mut ids = Vec::with_capacity(g.count);
    let mut next: u64 = 500_000_000_000 + (g.seed % 1000) * 1_000_000;
    while ids.len() < g.count {
        next += 1 + rng.gen_range(0..7);
        let id = format!("{:012}", next % 1_000_000_000_000);
        if !taken.contains(id.as_str()) {
            ids.push(id);
        }
    }
    ids
}

/// The root user of the `n`th generated account `id`: each kind of credential drawn with its
/// ratio.
fn root_user(r: &Ratios, org: &Organization, id: &str, n: usize, rng: &mut SmallRng) -> RootUser {
    let p = org.partition.as_str();
    let days = |rng: &mut SmallRng| DEFAULT_DATE + Duration::days(rng.gen_range(0..1500));
    let mut root = RootUser::default();
    if rng.gen_bool(r.login_profile) {
        let created = days(rng);
        let used = rng
            .gen_bool(0.5)
            .then(|| created + Duration::days(rng.gen_range(1..200)));
        root.login_profile = Some(LoginProfile {
            created,
            password_last_used: used,
        });
    }
    if rng.gen_bool(r.mfa_virtual) {
        root.mfa.push(MfaDevice {
            serial: format!("arn:{p}:iam::{id}:mfa/root-account-mfa-device"),
            kind: MfaKind::Virtual,
            enabled: days(rng),
        });
    }
    if rng.gen_bool(r.mfa_hardware) {
        root.mfa.push(MfaDevice {
            serial: format!("GAHT{}", &id[4..]),
            kind: MfaKind::Hardware,
            enabled: days(rng),
        });
    }
    if rng.gen_bool(r.mfa_fido) {
        root.mfa.push(MfaDevice {
            serial: format!("arn:{p}:iam::{id}:u2f/root/key-{n}"),
            kind: MfaKind::Fido,
            enabled: days(rng),
        });
    }
    if rng.gen_bool(r.access_keys) {
        let created = days(rng);
        let last_used = rng.gen_bool(0.5).then(|| {
            (
                created + Duration::days(3),
                "s3".to_string(),
                "us-east-1".to_string(),
            )
        });
        root.access_keys.push(AccessKey {
            id: format!("AKIAG{id}000"),
            active: true,
            created,
            last_used,
        });
    }
    if rng.gen_bool(r.signing_certificates) {
        root.signing_certificates.push(Certificate {
            id: format!("CERTG{id}{:015}", 0),
            active: true,
            uploaded: days(rng),
            body: None,
        });
    }
    root
}

/// A share between 0 and 1 (absent = 0).
pub(crate) fn ratio(p: Option<&Spanned<f64>>, key: &str, src: &Source<'_>) -> Result<f64, Error> {
    match p {
        Some(p) if !(0.0..=1.0).contains(p.get_ref()) => {
            Err(src.error(p.span(), key, "must be between 0 and 1"))
        }
        Some(p) => Ok(*p.get_ref()),
        None => Ok(0.0),
    }
}
