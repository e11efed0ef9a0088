//! Pure classification of a root audit finding into a verdict.

use super::model::{Credentials, Finding, Verdict};

impl Finding {
    /// The verdict for this finding (see [`classify`]).
    pub fn verdict(&self) -> Verdict {
        classify(self)
    }
}

/// Classifies one account. Any failed check makes the verdict `unknown`: a check that errored
/// is never taken to mean "absent".
pub fn classify(finding: &Finding) -> Verdict {
    match finding {
        Finding::NoSession(_) => Verdict::Unknown,
        Finding::Audited(root) => classify_root(root),
    }
}

fn classify_root(root: &Credentials) -> Verdict {
    if !root.errors().is_empty() {
        return Verdict::Unknown;
    }
    let keys = matches!(&root.access_keys, Ok(k) if !k.is_empty());
    let certs = matches!(&root.signing_certificates, Ok(c) if !c.is_empty());
    if keys || certs {
        return Verdict::Blocked;
    }
    let login = matches!(&root.login_profile, Ok(Some(_)));
    let mfa = matches!(&root.mfa_devices, Ok(m) if !m.is_empty());
    if login || mfa {
        Verdict::Eligible
    } else {
        Verdict::Clean
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::call::{Error, ErrorKind};
    use crate::root::model::{AccessKey, MfaDevice, SigningCertificate};

    use crate::model::LoginProfile;

    pub(crate) fn empty_root() -> Credentials {
        Credentials {
            login_profile: Ok(None),
            mfa_devices: Ok(vec![]),
            access_keys: Ok(vec![]),
            signing_certificates: Ok(vec![]),
            password_last_used: Ok(None),
        }
    }

    pub(crate) fn service_failure(op: &'static str) -> Error {
        Error::new(op, "ServiceFailure", "boom", ErrorKind::Transient)
    }

    fn mfa(serial: &str) -> MfaDevice {
        MfaDevice {
            serial: serial.into(),
            enabled: None,
        }
    }

    #[test]
    fn nothing_present_is_clean() {
        assert_eq!(
            classify(&Finding::Audited(Box::new(empty_root()))),
            Verdict::Clean
        );
    }

    #[test]
    fn login_profile_or_mfa_alone_is_eligible() {
        let mut root = empty_root();
        root.login_profile = Ok(Some(LoginProfile { created: None }));
        assert_eq!(
            classify(&Finding::Audited(Box::new(root))),
            Verdict::Eligible
        );
        let mut root = empty_root();
        root.mfa_devices = Ok(vec![mfa("GAHT12345678")]);
        assert_eq!(
            classify(&Finding::Audited(Box::new(root))),
            Verdict::Eligible
        );
    }

    #[test]
    fn access_key_or_certificate_blocks_even_with_a_password() {
        let mut root = empty_root();
        root.login_profile = Ok(Some(LoginProfile { created: None }));
        root.access_keys = Ok(vec![AccessKey {
            id: "AKIAEXAMPLE".into(),
            status: "Inactive".into(),
            last_used: Ok(None),
        }]);
        assert_eq!(
            classify(&Finding::Audited(Box::new(root))),
            Verdict::Blocked
        );
        let mut root = empty_root();
        root.signing_certificates = Ok(vec![SigningCertificate {
            id: "CERT".into(),
            status: "Active".into(),
        }]);
        assert_eq!(
            classify(&Finding::Audited(Box::new(root))),
            Verdict::Blocked
        );
    }

    #[test]
    fn failed_check_is_reported_as_unknown_not_absent() {
        let mut root = empty_root();
        root.mfa_devices = Err(service_failure("ListMFADevices"));
        assert_eq!(
            classify(&Finding::Audited(Box::new(root))),
            Verdict::Unknown
        );
    }

    #[test]
    fn failed_last_used_lookup_makes_the_account_unknown() {
        let mut root = empty_root();
        root.access_keys = Ok(vec![AccessKey {
            id: "AKIAEXAMPLE".into(),
            status: "Active".into(),
            last_used: Err(service_failure("GetAccessKeyLastUsed")),
        }]);
        assert_eq!(
            classify(&Finding::Audited(Box::new(root))),
            Verdict::Unknown
        );
    }

    #[test]
    fn refused_session_is_unknown() {
        let err = Error::new("AssumeRoot", "AccessDenied", "no", ErrorKind::AccessDenied);
        assert_eq!(classify(&Finding::NoSession(err)), Verdict::Unknown);
    }
}
