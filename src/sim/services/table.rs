//! One row of a service's operation table: the operation's name, whether it answers a page of a
//! list, whether it changes the account, which root-task policies allow it in a root session,
//! and its handler. Rows are built in `const` tables; nothing here knows any operation.

use crate::sim::world::state::TaskPolicy;

/// An operation the simulator implements, with the handler of type `H` its service calls.
pub(crate) struct Operation<H> {
    /// The operation's wire name (`Action`, `X-Amz-Target` suffix).
    pub name: &'static str,
    /// Answers one page of a list (`Marker`/`IsTruncated` in IAM, `NextToken` in Organizations).
    pub paged: bool,
    /// Changes root credentials, IAM users or resource policies (the call log's `mutating`).
    pub mutating: bool,
    /// The root-task policies whose sessions may call it.
    pub policies: &'static [TaskPolicy],
    /// What runs it.
    pub handler: H,
}

impl<H> Operation<H> {
    /// A read that is not paged and that no root-task policy allows.
    pub(crate) const fn new(name: &'static str, handler: H) -> Self {
        Operation {
            name,
            paged: false,
            mutating: false,
            policies: &[],
            handler,
        }
    }

    /// Marks the operation as answering a page of a list.
    pub(crate) const fn paged(mut self) -> Self {
        self.paged = true;
        self
    }

    /// Marks the operation as changing the account.
    pub(crate) const fn mutating(mut self) -> Self {
        self.mutating = true;
        self
    }

    /// The root-task policies that allow the operation.
    pub(crate) const fn allowed_by(mut self, policies: &'static [TaskPolicy]) -> Self {
        self.policies = policies;
        self
    }
}

impl<H> Operation<H> {
    /// Whether a root session under `policy` may call the operation.
    pub(crate) fn allows(&self, policy: TaskPolicy) -> bool {
        self.policies.contains(&policy)
    }
}

/// The row of `table` called `name`.
pub(crate) fn find<'t, H>(table: &'t [Operation<H>], name: &str) -> Option<&'t Operation<H>> {
    table.iter().find(|o| o.name == name)
}
