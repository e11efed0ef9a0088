//! The simulated AWS services, one module each, each exporting one table of operations
//! (`OPERATIONS`, rows of [`Operation`]). This catalogue reads every list that names operations
//! from those tables: which service an operation belongs to, whether it is mutating, which
//! root-task policies allow it, which IAM operations are paged. Beside them, what every handler
//! shares: the request it is given (`request`), pagination tokens (`page`) and the awsQuery
//! result it writes (`xml`).

pub(crate) mod denials;
pub(crate) mod error;
pub(crate) mod iam;
pub(crate) mod organizations;
pub(crate) mod organizations_policies;
pub(crate) mod page;
pub(crate) mod request;
pub(crate) mod s3;
pub(crate) mod sqs;
pub(crate) mod sts;
pub(crate) mod table;
pub(crate) mod xml;

pub(crate) use table::Operation;

/// Which AWS service a request addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    Sts,
    Iam,
    Organizations,
    S3,
    Sqs,
}

impl Service {
    /// Every simulated service.
    pub(crate) const ALL: [Service; 5] = [
        Service::Sts,
        Service::Iam,
        Service::Organizations,
        Service::S3,
        Service::Sqs,
    ];

    /// Lower-case name used in scenarios and the call log.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Service::Sts => "sts",
            Service::Iam => "iam",
            Service::Organizations => "organizations",
            Service::S3 => "s3",
            Service::Sqs => "sqs",
        }
    }

    /// The service an operation belongs to.
    pub(crate) fn of_operation(op: &str) -> Option<Service> {
        find(op).map(|e| e.service)
    }

    /// Whether `name` is a service name accepted in scenarios.
    pub(crate) fn is_name(name: &str) -> bool {
        Self::ALL.iter().any(|s| s.as_str() == name)
    }
}

/// What the catalogue knows of one operation: its row without the handler.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    pub service: Service,
    pub name: &'static str,
    pub paged: bool,
    pub mutating: bool,
}

/// The rows of one service's table.
fn rows<H: 'static>(
    service: Service,
    table: &'static [Operation<H>],
) -> impl Iterator<Item = Entry> {
    table.iter().map(move |o| Entry {
        service,
        name: o.name,
        paged: o.paged,
        mutating: o.mutating,
    })
}

/// Every operation of every service, in table order.
pub(crate) fn entries() -> impl Iterator<Item = Entry> {
    rows(Service::Sts, sts::OPERATIONS)
        .chain(rows(Service::Iam, iam::OPERATIONS))
        .chain(rows(Service::Organizations, organizations::OPERATIONS))
        .chain(rows(Service::S3, s3::OPERATIONS))
        .chain(rows(Service::Sqs, sqs::OPERATIONS))
}

/// The operation called `op`, of whichever service (names are unique across services).
pub(crate) fn find(op: &str) -> Option<Entry> {
    entries().find(|e| e.name == op)
}

/// Whether `op` changes root credentials, IAM users or resource policies.
pub(crate) fn is_mutating(op: &str) -> bool {
    find(op).is_some_and(|e| e.mutating)
}

/// The paged operations of `service`, in table order.
pub(crate) fn paged(service: Service) -> Vec<&'static str> {
    entries()
        .filter(|e| e.service == service && e.paged)
        .map(|e| e.name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::world::state::TaskPolicy::{self, *};
    use std::collections::HashSet;

    /// Every row's service, name and task policies.
    fn policies() -> Vec<(Service, &'static str, &'static [TaskPolicy])> {
        fn of<H>(
            s: Service,
            t: &'static [Operation<H>],
        ) -> Vec<(Service, &'static str, &'static [TaskPolicy])> {
            t.iter().map(|o| (s, o.name, o.policies)).collect()
        }
        [
            of(Service::Sts, sts::OPERATIONS),
            of(Service::Iam, iam::OPERATIONS),
            of(Service::Organizations, organizations::OPERATIONS),
            of(Service::S3, s3::OPERATIONS),
            of(Service::Sqs, sqs::OPERATIONS),
        ]
        .concat()
    }

    fn allowed_by(policy: TaskPolicy) -> Vec<&'static str> {
        policies()
            .into_iter()
            .filter(|(_, _, p)| p.contains(&policy))
            .map(|(_, name, _)| name)
            .collect()
    }

    #[test]
    fn operation_names_are_unique_across_services() {
        let mut seen = HashSet::new();
        for e in entries() {
            assert!(seen.insert(e.name), "{} is in two rows", e.name);
        }
        for service in Service::ALL {
            assert!(
                entries().any(|e| e.service == service),
                "{} has no operations",
                service.as_str()
            );
        }
    }

    #[test]
    fn paged_operations_are_lists_that_change_nothing() {
        for e in entries().filter(|e| e.paged) {
            let list = e.name.starts_with("List") || e.name == "GetAccountAuthorizationDetails";
            assert!(list, "{} is paged but is not a list", e.name);
            assert!(!e.mutating, "{} is paged and mutating", e.name);
        }
    }

    #[test]
    fn every_iam_list_but_the_feature_list_is_paged() {
        for e in entries().filter(|e| e.service == Service::Iam && e.name.starts_with("List")) {
            assert_eq!(e.paged, e.name != "ListOrganizationsFeatures", "{}", e.name);
        }
    }

    #[test]
    fn task_policies_allow_only_operations_of_their_service() {
        for (service, name, policies) in policies() {
            for p in policies {
                let expected = match p {
                    Audit | Delete | CreatePassword => Service::Iam,
                    S3Unlock => Service::S3,
                    SqsUnlock => Service::Sqs,
                };
                assert_eq!(service, expected, "{} allows {name}", p.name());
            }
        }
    }

    #[test]
    fn mutating_operations_are_the_changes() {
        for e in entries().filter(|e| e.mutating) {
            let change = [
                "Create",
                "Delete",
                "Deactivate",
                "Detach",
                "Remove",
                "Set",
                "Update",
            ]
            .iter()
            .any(|verb| e.name.starts_with(verb));
            assert!(change, "{} is mutating but changes nothing", e.name);
        }
        assert!(is_mutating("DeleteSigningCertificate"));
        assert!(is_mutating("UpdateSSHPublicKey"));
        assert!(!is_mutating("GenerateCredentialReport"));
        assert!(!is_mutating("AssumeRoot"));
        assert!(!is_mutating("NoSuchOperation"));
    }

    #[test]
    fn root_task_policies_allow_what_aws_documents_of_the_implemented_operations() {
        let set = |v: Vec<&'static str>| v.into_iter().collect::<HashSet<_>>();
        let expect = |v: &[&'static str]| v.iter().copied().collect::<HashSet<_>>();
        assert_eq!(
            set(allowed_by(Audit)),
            expect(&[
                "ListAccessKeys",
                "ListSigningCertificates",
                "GetLoginProfile",
                "ListMFADevices",
                "GetAccountSummary",
                "GetUser",
                "GetAccessKeyLastUsed",
            ])
        );
        assert_eq!(
            set(allowed_by(Delete)),
            expect(&[
                "DeleteAccessKey",
                "DeleteSigningCertificate",
                "DeleteLoginProfile",
                "DeactivateMFADevice",
                "ListAccessKeys",
                "ListSigningCertificates",
                "GetLoginProfile",
                "ListMFADevices",
                "GetUser",
                "GetAccessKeyLastUsed",
            ])
        );
        assert_eq!(
            set(allowed_by(CreatePassword)),
            expect(&["CreateLoginProfile", "GetLoginProfile"])
        );
        assert_eq!(
            set(allowed_by(S3Unlock)),
            expect(&["GetBucketPolicy", "DeleteBucketPolicy"])
        );
        assert_eq!(
            set(allowed_by(SqsUnlock)),
            expect(&["GetQueueAttributes", "SetQueueAttributes"])
        );
    }

    #[test]
    fn the_catalogue_names_each_operations_service() {
        assert_eq!(Service::of_operation("AssumeRoot"), Some(Service::Sts));
        assert_eq!(Service::of_operation("DeleteUser"), Some(Service::Iam));
        assert_eq!(
            Service::of_operation("ListAccounts"),
            Some(Service::Organizations)
        );
        assert_eq!(Service::of_operation("GetBucketPolicy"), Some(Service::S3));
        assert_eq!(
            Service::of_operation("SetQueueAttributes"),
            Some(Service::Sqs)
        );
        assert_eq!(Service::of_operation("sqs"), None);
        assert!(Service::is_name("organizations") && !Service::is_name("ec2"));
        assert_eq!(
            paged(Service::Iam).last(),
            Some(&"GetAccountAuthorizationDetails")
        );
    }
}
