//! Deterministic IAM users for generated accounts, from the `[generate]` user knobs.
//!
//! Draws from its own random stream, so adding users leaves the generated accounts and root
//! credentials exactly as they were. Used by `validate`; imports `model`, `directory`, `raw`,
//! `source` and `generate`.

use crate::sim::scenario::generate::ratio;
use crate::sim::scenario::raw;
use crate::sim::scenario::source::{Error, Source};
use crate::sim::world::credentials::{AccessKey, LoginProfile, MfaDevice, MfaKind};
use crate::sim::world::directory::{base36, Directory, Group};
use crate::sim::world::model::{Account, Organization};
use crate::sim::world::user::User;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use time::{Duration, OffsetDateTime};

/// Shares of generated users (and accounts) with each trait.
pub(crate) struct Ratios {
    stale: f64,
    new: f64,
    redundant_policy: f64,
    password_without_mfa: f64,
    without_role: f64,
}

impl Ratios {
    /// Validates the shares (each between 0 and 1; stale and new together at most 1).
    pub(crate) fn from_raw(g: &raw::Generate, src: &Source<'_>) -> Result<Ratios, Error> {
        let r = Ratios {
            stale: ratio(g.users_stale.as_ref(), "users_stale", src)?,
            new: ratio(g.users_new.as_ref(), "users_new", src)?,
            redundant_policy: ratio(
                g.users_redundant_policy.as_ref(),
                "users_redundant_policy",
                src,
            )?,
            password_without_mfa: ratio(
                g.users_password_without_mfa.as_ref(),
                "users_password_without_mfa",
                src,
            )?,
            without_role: ratio(g.without_role.as_ref(), "without_role", src)?,
        };
        if let Some(n) = g.users_new.as_ref().filter(|_| r.stale + r.new > 1.0) {
            return Err(src.error(n.span(), "users_new", "users_stale + users_new exceed 1"));
        }
        Ok(r)
    }
}

/// The groups every generated account has: name and the one policy each attaches.
const GROUPS: [(&str, &str); 3] = [
    ("admins", "AdministratorAccess"),
    ("developers", "PowerUserAccess"),
    ("readers", "ReadOnlyAccess"),
];

/// Fills the directories (and role lists) of freshly generated accounts.
pub(crate) fn users(
    g: &raw::Generate,
    r: &Ratios,
    org: &Organization,
    now: OffsetDateTime,
    accounts: &mut [Account],
) {
    let mut rng = SmallRng::seed_from_u64(g.seed ^ 0x7573_6572_735f_6765);
    let p = org.partition.as_str();
    for account in accounts.iter_mut() {
        if rng.gen_bool(r.without_role) {
            account.roles.clear();
        }
        if g.users_per_account == 0 {
            continue;
        }
        let id = account.id.clone();
        let policy = |name: &str| format!("arn:{p}:iam::aws:policy/{name}");
        let mut dir = Directory::default();
        for (i, (name, attached)) in GROUPS.iter().enumerate() {
            dir.groups.push(Group {
                name: name.to_string(),
                path: "/".into(),
                id: format!("AGPA{id}{i:05}"),
                created: now - Duration::days(2000),
                attached_policies: vec![policy(attached)],
                inline_policies: Vec::new(),
            });
        }
        for n in 0..g.users_per_account {
            let ago =
                |rng: &mut SmallRng, lo: i64, hi: i64| now - Duration::days(rng.gen_range(lo..hi));
            let roll: f64 = rng.gen();
            let (created, used): (OffsetDateTime, Option<OffsetDateTime>) = if roll < r.stale {
                let created = ago(&mut rng, 400, 1500);
                (created, rng.gen_bool(0.5).then(|| ago(&mut rng, 100, 390)))
            } else if roll < r.stale + r.new {
                (ago(&mut rng, 0, 30), None)
            } else {
                (ago(&mut rng, 30, 1500), Some(ago(&mut rng, 0, 60)))
            };
            let (group, group_policy) = GROUPS[n % GROUPS.len()];
            let by_password = rng.gen_bool(0.5);
            let mut user = User::new(
                format!("user-{n:03}"),
                "/".into(),
                format!("AIDA{id}{n:05}"),
                created,
            );
            user.groups.push(group.to_string());
            if by_password {
                user.password = Some(LoginProfile {
                    created,
                    password_last_used: used,
                });
                if !rng.gen_bool(r.password_without_mfa) {
                    user.mfa.push(MfaDevice {
                        serial: format!("arn:{p}:iam::{id}:mfa/user-{n:03}"),
                        kind: MfaKind::Virtual,
                        enabled: created,
                    });
                }
            } else {
                user.access_keys.push(AccessKey {
                    id: format!("AKIA{id}{}", base36(n as u64 + 1, 4)),
                    active: true,
                    created,
                    last_used: used.map(|d| (d, "s3".into(), "us-east-1".into())),
                });
            }
            if rng.gen_bool(r.redundant_policy) {
                user.attached_policies.push(policy(group_policy));
            }
            dir.users.push(user);
        }
        account.iam = dir;
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::scenario::Scenario;

    const GENERATED: &str = r#"
[organization]
id = "o-a1b2c3d4e5"
management_account = "111111111111"

[[callers]]
access_key_id = "AKIAMANAGEMENT000001"
secret_access_key = "s"
account = "111111111111"

[generate]
count = 50
seed = 4
login_profile = 0.5
users_per_account = 20
users_stale = 0.3
users_new = 0.1
users_redundant_policy = 0.2
without_role = 0.1
"#;

    #[test]
    fn generated_users_are_reproducible_and_follow_the_shares() {
        let a = Scenario::from_toml_str(GENERATED, "g.toml").expect("valid");
        let b = Scenario::from_toml_str(GENERATED, "g.toml").expect("valid");
        let users: Vec<_> = a.accounts.iter().flat_map(|x| &x.iam.users).collect();
        assert_eq!(users.len(), 1000);
        let names = |s: &Scenario| -> Vec<(String, usize)> {
            s.accounts
                .iter()
                .flat_map(|x| {
                    x.iam
                        .users
                        .iter()
                        .map(|u| (u.name.clone(), u.attached_policies.len()))
                })
                .collect()
        };
        assert_eq!(names(&a), names(&b));
        let redundant = users
            .iter()
            .filter(|u| !u.attached_policies.is_empty())
            .count();
        assert!((120..=280).contains(&redundant), "{redundant}");
        let never_used = users
            .iter()
            .filter(|u| {
                u.password
                    .as_ref()
                    .is_none_or(|p| p.password_last_used.is_none())
                    && u.access_keys.iter().all(|k| k.last_used.is_none())
            })
            .count();
        assert!((150..=350).contains(&never_used), "{never_used}");
        let without_role = a.accounts.iter().filter(|x| x.roles.is_empty()).count();
        assert!(
            (1..=12).contains(&without_role),
            "management plus about 5: {without_role}"
        );
        let plain = GENERATED.replace("users_per_account = 20\n", "");
        let c = Scenario::from_toml_str(&plain, "g.toml").expect("valid");
        let roots = |s: &Scenario| -> Vec<bool> {
            s.accounts
                .iter()
                .map(|x| x.root.login_profile.is_some())
                .collect()
        };
        assert_eq!(
            roots(&a),
            roots(&c),
            "users do not disturb the generated root credentials"
        );
    }
}
