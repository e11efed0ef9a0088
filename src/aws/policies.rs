//! The guardrails reads over Organizations: `ListParents`, `ListPoliciesForTarget` (all pages)
//! and `DescribePolicy`, paced and retried as the tree walk's reads are. Every answer is cached
//! for the run, so a policy is described once however many accounts it governs and an OU's
//! attachments are listed once however many accounts it holds.

use super::{pages, Aws, Error};
use crate::guardrails::api::{Attached, Kind, Policies};
use aws_sdk_organizations::types::PolicyType;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;

/// A key's answer, shared by every account that asks for it.
type Cell<V> = Arc<OnceCell<Result<V, Error>>>;

/// One cache: a key's answer, computed once even when several accounts ask at the same time.
struct Cache<K, V> {
    cells: Mutex<HashMap<K, Cell<V>>>,
}

impl<K: Eq + Hash + Clone, V: Clone> Cache<K, V> {
    fn new() -> Self {
        Cache {
            cells: Mutex::new(HashMap::new()),
        }
    }

    async fn get<F, Fut>(&self, key: &K, fetch: F) -> Result<V, Error>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<V, Error>>,
    {
        let cell = {
            let mut cells = self.cells.lock().unwrap_or_else(|e| e.into_inner());
            cells.entry(key.clone()).or_default().clone()
        };
        cell.get_or_init(fetch).await.clone()
    }
}

/// The run's policy reads, with their cache.
pub struct PolicyReads {
    aws: Aws,
    attached: Cache<(String, Kind), Vec<Attached>>,
    contents: Cache<String, String>,
}

impl Aws {
    /// The guardrails reads over the management credentials.
    pub fn policy_reads(&self) -> PolicyReads {
        PolicyReads {
            aws: self.clone(),
            attached: Cache::new(),
            contents: Cache::new(),
        }
    }

    /// `ListPoliciesForTarget`, all pages.
    async fn policies_for_target(&self, target: &str, kind: Kind) -> Result<Vec<Attached>, Error> {
        const OP: &str = "ListPoliciesForTarget";
        let filter = match kind {
            Kind::Scp => PolicyType::ServiceControlPolicy,
            Kind::Rcp => PolicyType::ResourceControlPolicy,
        };
        pages::collect(OP, |token| {
            let filter = filter.clone();
            async move {
                let out = self
                    .send_walk(OP, || {
                        self.org
                            .list_policies_for_target()
                            .target_id(target)
                            .filter(filter.clone())
                            .max_results(20)
                            .set_next_token(token.clone())
                            .send()
                    })
                    .await?;
                let items = out
                    .policies()
                    .iter()
                    .filter_map(|p| {
                        let id = p.id()?.to_string();
                        let name = p.name().unwrap_or(&id).to_string();
                        Some(Attached { id, name })
                    })
                    .collect();
                Ok((items, out.next_token().map(str::to_string)))
            }
        })
        .await
    }

    /// `DescribePolicy`'s `Content`.
    async fn policy_content(&self, id: &str) -> Result<String, Error> {
        let out = self
            .send_walk("DescribePolicy", || {
                self.org.describe_policy().policy_id(id).send()
            })
            .await?;
        Ok(out
            .policy()
            .and_then(|p| p.content())
            .unwrap_or_default()
            .to_string())
    }
}

impl Policies for PolicyReads {
    async fn parents(&self, account_id: &str) -> Result<Vec<String>, Error> {
        let mut path = Vec::new();
        let mut child = account_id.to_string();
        // An organization is at most five OU levels deep; the bound guards against a cycle.
        for _ in 0..10 {
            // No parent in the answer is an error (`Aws::parent`), never a path cut short.
            let parent = self.aws.parent(&child).await?;
            path.insert(0, parent.clone());
            if parent.starts_with("r-") {
                break;
            }
            child = parent;
        }
        Ok(path)
    }

    async fn attached(&self, target: &str, kind: Kind) -> Result<Vec<Attached>, Error> {
        let key = (target.to_string(), kind);
        self.attached
            .get(&key, || self.aws.policies_for_target(target, kind))
            .await
    }

    async fn content(&self, policy_id: &str) -> Result<String, Error> {
        self.contents
            .get(&policy_id.to_string(), || {
                self.aws.policy_content(policy_id)
            })
            .await
    }
}
