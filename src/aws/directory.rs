//! The pipeline's Organizations seam ([`Directory`]) over the run's Organizations client.

use super::{Aws, CallError};
use crate::run::directory::{AccountPage, Directory, Node, OuPage};

impl Directory for Aws {
    async fn list_accounts_page(&self, token: Option<String>) -> Result<AccountPage, CallError> {
        Aws::list_accounts_page(self, token).await
    }

    fn halted(&self) -> Option<String> {
        Aws::halted(self).map(|e| e.to_string())
    }

    async fn describe_ou(&self, ou: &str) -> Result<(), CallError> {
        Aws::describe_ou(self, ou).await
    }

    async fn ou_name(&self, id: &str) -> Result<String, CallError> {
        Aws::ou_name(self, id).await
    }

    async fn ou_ancestry(&self, ou: &str) -> Result<Vec<String>, CallError> {
        Aws::ou_ancestry(self, ou).await
    }

    async fn child_ous(&self, parent: &str) -> Result<Vec<String>, CallError> {
        Aws::child_ous(self, parent).await
    }

    async fn child_accounts(&self, parent: &str) -> Result<Vec<String>, CallError> {
        Aws::child_accounts(self, parent).await
    }

    async fn roots(&self) -> Result<Vec<Node>, CallError> {
        Aws::roots(self).await
    }

    async fn accounts_for_parent_page(
        &self,
        parent: &str,
        token: Option<String>,
    ) -> Result<AccountPage, CallError> {
        Aws::accounts_for_parent_page(self, parent, token).await
    }

    async fn ous_for_parent_page(
        &self,
        parent: &str,
        token: Option<String>,
    ) -> Result<OuPage, CallError> {
        Aws::ous_for_parent_page(self, parent, token).await
    }
}
