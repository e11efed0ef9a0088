//! The credentials of one scenario IAM user (password, MFA devices, access keys, signing
//! certificates, SSH public keys, service-specific credentials) and its `earlier` predecessor,
//! checked and converted for `validate_users`. Generated ids draw from the directory's serial.

use crate::sim::scenario::raw_users::{self};
use crate::sim::scenario::source::Error;
use crate::sim::scenario::validate::ctx::{path, Ctx};
use crate::sim::world::credentials::{AccessKey, Certificate, LoginProfile, MfaDevice, MfaKind};
use crate::sim::world::directory::{base36, Directory};
use crate::sim::world::user::{ServiceCredential, User};
use time::{Duration, OffsetDateTime};
use toml::Spanned;

type Result<T> = std::result::Result<T, Error>;

/// Days before now a credential was issued when the scenario does not say.
const DEFAULT_CREDENTIAL_AGE_DAYS: i64 = 100;

/// A console password; `password_last_changed` defaults to the user's creation.
pub(crate) fn password(
    p: Option<&raw_users::Password>,
    created: OffsetDateTime,
    ctx: &Ctx<'_>,
) -> Option<LoginProfile> {
    p.map(|p| LoginProfile {
        created: p.created_days_ago.map_or(created, |d| ctx.ago(Some(d), 0)),
        password_last_used: p.last_used_days_ago.map(|d| ctx.ago(Some(d), 0)),
    })
}

/// MFA devices of the user `name`, the `index`-th of its account.
pub(crate) fn mfa(
    list: &[raw_users::Mfa],
    name: &str,
    index: usize,
    ctx: &Ctx<'_>,
) -> Result<Vec<MfaDevice>> {
    let acct = ctx.account;
    let mut out = Vec::new();
    for (i, m) in list.iter().enumerate() {
        let device = m.name.clone().unwrap_or_else(|| name.to_string());
        let (kind, serial) = match m.kind.get_ref().as_str() {
            "virtual" => (MfaKind::Virtual, ctx.arn(&format!("mfa/{device}"))),
            "fido" => (MfaKind::Fido, ctx.arn(&format!("u2f/user/{name}/{device}"))),
            "hardware" => (
                MfaKind::Hardware,
                format!("GAHT{}{index:03}{i}", &acct[8..]),
            ),
            other => {
                return Err(ctx.src.error(
                    m.kind.span(),
                    "kind",
                    format!("unknown MFA kind {other:?} (virtual, hardware, fido)"),
                ))
            }
        };
        out.push(MfaDevice {
            serial: m.serial.clone().unwrap_or(serial),
            kind,
            enabled: ctx.ago(m.enabled_days_ago, DEFAULT_CREDENTIAL_AGE_DAYS),
        });
    }
    Ok(out)
}

/// At most two access keys (ids `AKIA<account><4>` unless given).
pub(crate) fn access_keys(
    list: &[raw_users::Key],
    user: &Spanned<String>,
    dir: &mut Directory,
    ctx: &Ctx<'_>,
) -> Result<Vec<AccessKey>> {
    let acct = ctx.account;
    let mut out = Vec::new();
    for k in list {
        out.push(AccessKey {
            id: given_id(k.id.as_ref(), || {
                format!("AKIA{acct}{}", base36(u64::from(dir.serial()), 4))
            }),
            active: k.active,
            created: ctx.ago(k.created_days_ago, DEFAULT_CREDENTIAL_AGE_DAYS),
            last_used: k.last_used_days_ago.map(|d| {
                (
                    ctx.ago(Some(d), 0),
                    k.service.clone().unwrap_or_else(|| "s3".into()),
                    k.region.clone().unwrap_or_else(|| "us-east-1".into()),
                )
            }),
        });
    }
    at_most_two(list, |k| k.id.as_ref(), "access_keys", user, ctx)?;
    Ok(out)
}

/// At most two X.509 signing certificates; a given `body` must be a PEM certificate.
pub(crate) fn signing_certificates(
    list: &[raw_users::Credential],
    user: &Spanned<String>,
    dir: &mut Directory,
    ctx: &Ctx<'_>,
) -> Result<Vec<Certificate>> {
    let acct = ctx.account;
    let mut out = Vec::new();
    for c in list {
        let body = body(
            c,
            "a PEM certificate (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----)",
            ctx,
            |b| {
                let b = b.trim();
                b.starts_with("-----BEGIN CERTIFICATE-----")
                    && b.ends_with("-----END CERTIFICATE-----")
            },
        )?;
        out.push(Certificate {
            id: given_id(c.id.as_ref(), || format!("CERTU{acct}{:015}", dir.serial())),
            active: c.active,
            uploaded: ctx.ago(c.uploaded_days_ago, DEFAULT_CREDENTIAL_AGE_DAYS),
            body,
        });
    }
    at_most_two(list, |c| c.id.as_ref(), "signing_certificates", user, ctx)?;
    Ok(out)
}

/// SSH public keys (ids `APKA<account><4>` unless given); a given `body` must be an OpenSSH
/// RSA public key line.
pub(crate) fn ssh_keys(
    list: &[raw_users::Credential],
    dir: &mut Directory,
    ctx: &Ctx<'_>,
) -> Result<Vec<Certificate>> {
    let acct = ctx.account;
    let mut out = Vec::new();
    for c in list {
        let body = body(
            c,
            crate::sim::world::ssh_key::BODY_FORMAT,
            ctx,
            crate::sim::world::ssh_key::valid,
        )?;
        out.push(Certificate {
            id: given_id(c.id.as_ref(), || {
                format!("APKA{acct}{}", base36(u64::from(dir.serial()), 4))
            }),
            active: c.active,
            uploaded: ctx.ago(c.uploaded_days_ago, DEFAULT_CREDENTIAL_AGE_DAYS),
            body,
        });
    }
    Ok(out)
}

/// Service-specific credentials of the user `name` (ids `ACCA<account><4>` unless given).
pub(crate) fn service_credentials(
    list: &[raw_users::ServiceCredential],
    name: &str,
    dir: &mut Directory,
    ctx: &Ctx<'_>,
) -> Result<Vec<ServiceCredential>> {
    let acct = ctx.account;
    let mut out = Vec::new();
    for c in list {
        if !c.service.get_ref().ends_with(".amazonaws.com") {
            return Err(ctx.src.error(
                c.service.span(),
                "service",
                "a service name such as codecommit.amazonaws.com",
            ));
        }
        out.push(ServiceCredential {
            id: given_id(c.id.as_ref(), || {
                format!("ACCA{acct}{}", base36(u64::from(dir.serial()), 4))
            }),
            service: c.service.get_ref().clone(),
            service_user_name: format!("{name}-at-{acct}"),
            active: c.active,
            created: ctx.ago(c.created_days_ago, DEFAULT_CREDENTIAL_AGE_DAYS),
        });
    }
    Ok(out)
}

/// The deleted predecessor of `current` (same name; same path unless given), created before it
/// (a year before when `created_days_ago` is absent). Its id is never on the wire.
pub(crate) fn earlier(
    e: &raw_users::Earlier,
    current: &User,
    raw_name: &Spanned<String>,
    dir: &mut Directory,
    ctx: &Ctx<'_>,
) -> Result<User> {
    let created = match &e.created_days_ago {
        None => current.created - Duration::days(365),
        Some(d) => {
            let created = ctx.ago(Some(*d.get_ref()), 0);
            if created >= current.created {
                return Err(ctx.src.error(
                    d.span(),
                    "created_days_ago",
                    "the earlier user was created before the current one: more days ago",
                ));
            }
            created
        }
    };
    let path = match &e.path {
        Some(_) => path(e.path.as_ref(), ctx)?,
        None => current.path.clone(),
    };
    let mut user = User::new(
        current.name.clone(),
        path,
        format!("{}E", current.id),
        created,
    );
    user.password = password(e.password.as_ref(), created, ctx);
    user.access_keys = access_keys(&e.access_keys, raw_name, dir, ctx)?;
    user.signing_certificates = signing_certificates(&e.signing_certificates, raw_name, dir, ctx)?;
    Ok(user)
}

/// A credential's `body` if given and `valid`, else an error naming `format`.
fn body(
    c: &raw_users::Credential,
    format: &str,
    ctx: &Ctx<'_>,
    valid: impl Fn(&str) -> bool,
) -> Result<Option<String>> {
    match &c.body {
        None => Ok(None),
        Some(b) if valid(b.get_ref()) => Ok(Some(b.get_ref().clone())),
        Some(b) => Err(ctx.src.error(b.span(), "body", format!("must be {format}"))),
    }
}

fn given_id(id: Option<&Spanned<String>>, make: impl FnOnce() -> String) -> String {
    id.map_or_else(make, |i| i.get_ref().clone())
}

/// AWS allows two access keys and two signing certificates per user (and the credential
/// report has columns for two).
fn at_most_two<T>(
    list: &[T],
    id: impl Fn(&T) -> Option<&Spanned<String>>,
    key: &str,
    user: &Spanned<String>,
    ctx: &Ctx<'_>,
) -> Result<()> {
    if list.len() <= 2 {
        return Ok(());
    }
    let span = id(&list[2]).map_or_else(|| user.span(), |s| s.span());
    Err(ctx.src.error(span, key, "AWS allows at most two per user"))
}

#[cfg(test)]
mod tests {
    use crate::sim::scenario::source::Error;
    use crate::sim::scenario::Scenario;
    use crate::sim::test_world::scenario;

    fn users(user: &str) -> String {
        scenario(
            "",
            &format!(
                "[[accounts]]\nid = \"222222222222\"\n[[accounts.users]]\nname = \"bob\"\n{user}"
            ),
        )
    }

    fn rejected_key(text: &str) -> String {
        match Scenario::from_toml_str(text, "t.toml") {
            Err(Error::Invalid { key, .. }) => key,
            other => panic!("expected an invalid scenario, got {other:?}"),
        }
    }

    #[test]
    fn an_earlier_user_keeps_the_name_and_path_and_has_its_own_credentials() {
        let text = users(
            "created_days_ago = 1\naccess_keys = [{}]\n\
             earlier = { created_days_ago = 400, password = { last_used_days_ago = 30 }, access_keys = [{ created_days_ago = 300 }] }\n",
        );
        let s = Scenario::from_toml_str(&text, "t.toml").expect("valid");
        let bob = s.accounts[1].iam.user("bob").expect("bob");
        let earlier = bob.earlier.as_deref().expect("earlier");
        assert_eq!((earlier.name.as_str(), earlier.path.as_str()), ("bob", "/"));
        assert_eq!((bob.created - earlier.created).whole_days(), 399);
        assert!(earlier
            .password
            .as_ref()
            .is_some_and(|p| p.password_last_used.is_some()));
        assert_eq!(earlier.access_keys.len(), 1);
        assert_ne!(earlier.access_keys[0].id, bob.access_keys[0].id);
        assert!(bob.password.is_none() && earlier.earlier.is_none());
    }

    #[test]
    fn an_earlier_user_defaults_to_a_year_older_and_may_have_another_path() {
        let s = Scenario::from_toml_str(&users("earlier = { path = \"/old/\" }\n"), "t.toml")
            .expect("valid");
        let bob = s.accounts[1].iam.user("bob").expect("bob");
        let earlier = bob.earlier.as_deref().expect("earlier");
        assert_eq!(earlier.path, "/old/");
        assert_eq!((bob.created - earlier.created).whole_days(), 365);
        assert!(earlier.access_keys.is_empty() && earlier.password.is_none());
    }

    #[test]
    fn bad_earlier_users_and_credential_bodies_are_rejected_at_the_offending_key() {
        let cases = [
            (
                "created_days_ago = 10\nearlier = { created_days_ago = 10 }\n",
                "created_days_ago",
            ),
            ("earlier = { path = \"old\" }\n", "path"),
            ("earlier = { access_keys = [{}, {}, {}] }\n", "access_keys"),
            ("earlier = { colour = 1 }\n", "colour"),
            ("ssh_keys = [{ body = \"ssh-rsa AAAA\" }]\n", "body"),
            ("signing_certificates = [{ body = \"MIIB\" }]\n", "body"),
        ];
        for (user, key) in cases {
            assert_eq!(rejected_key(&users(user)), key, "{user}");
        }
    }
}
