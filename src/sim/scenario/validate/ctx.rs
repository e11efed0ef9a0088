//! What every conversion of one account's users needs (`Ctx`: the account, the partition, the
//! clock, the source for error locations), and the checks `users`, `credentials` and `tags`
//! share: IAM paths and managed policy ARNs.

use crate::sim::scenario::source::{Error, Source};
use crate::sim::world::model::Partition;
use time::{Duration, OffsetDateTime};
use toml::Spanned;

type Result<T> = std::result::Result<T, Error>;

/// What every conversion of one account needs.
pub(crate) struct Ctx<'a> {
    pub account: &'a str,
    pub partition: Partition,
    pub now: OffsetDateTime,
    pub src: &'a Source<'a>,
}

impl Ctx<'_> {
    /// `days` (else `default`) days before now.
    pub(crate) fn ago(&self, days: Option<i64>, default: i64) -> OffsetDateTime {
        self.now - Duration::days(days.unwrap_or(default))
    }

    /// `arn:<partition>:iam::<account>:<resource>`.
    pub(crate) fn arn(&self, resource: &str) -> String {
        format!(
            "arn:{}:iam::{}:{resource}",
            self.partition.as_str(),
            self.account
        )
    }
}

pub(crate) fn path(p: Option<&Spanned<String>>, ctx: &Ctx<'_>) -> Result<String> {
    match p {
        None => Ok("/".into()),
        Some(p) if p.get_ref().starts_with('/') && p.get_ref().ends_with('/') => {
            Ok(p.get_ref().clone())
        }
        Some(p) => Err(ctx
            .src
            .error(p.span(), "path", "a path starts and ends with /")),
    }
}

/// A managed policy ARN, AWS-managed (`arn:<partition>:iam::aws:policy/…`) or of an account.
pub(crate) fn managed_policy_arn(a: &Spanned<String>, key: &str, ctx: &Ctx<'_>) -> Result<String> {
    let prefix = format!("arn:{}:iam::", ctx.partition.as_str());
    let v = a.get_ref();
    if !v.starts_with(&prefix) || !v.contains(":policy/") || v.ends_with('/') {
        return Err(ctx.src.error(
            a.span(),
            key,
            format!("{v:?} is not a managed policy ARN ({prefix}<aws or account>:policy/<name>)"),
        ));
    }
    Ok(v.clone())
}
