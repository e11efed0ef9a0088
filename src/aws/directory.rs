//! The pipeline's Organizations seam ([`Directory`]) over the run's Organizations client.

use super::{Aws, Error};
use crate::run::directory::{AccountPage, Directory, Node, OuPage};

impl Directory for Aws {
    async fn list_accounts_page(&self, token: Option<String>) -> Result<AccountPage, Error> {
        Aws::list_accounts_page(self, token).await
    }

    fn halted(&self) -> Option<String> {
        Aws::halted(self).map(|e| e.to_string())
    }

    async fn describe_ou(&self, ou: &str) -> Result<(), Error> {
        Aws::describe_ou(self, ou).await
    }

    async fn ou_name(&self, id: &str) -> Result<String, Error> {
        Aws::ou_name(self, id).await
    }

    async fn ou_ancestry(&self, ou: &str) -> Result<Vec<String>, Error> {
        Aws::ou_ancestry(self, ou).await
    }

    async fn child_ous(&self, parent: &str) -> Result<Vec<String>, Error> {
        Aws::child_ous(self, parent).await
    }

    async fn child_accounts(&self, parent: &str) -> Result<Vec<String>, Error> {
        Aws::child_accounts(self, parent).await
    }

    async fn parent(&self, child: &str) -> Result<String, Error> {
        Aws::parent(self, child).await
    }

    async fn roots(&self) -> Result<Vec<Node>, Error> {
        Aws::roots(self).await
    }

    async fn accounts_for_parent_page(
        &self,
        parent: &str,
        token: Option<String>,
    ) -> Result<AccountPage, Error> {
        Aws::accounts_for_parent_page(self, parent, token).await
    }

    async fn ous_for_parent_page(
        &self,
        parent: &str,
        token: Option<String>,
    ) -> Result<OuPage, Error> {
        Aws::ous_for_parent_page(self, parent, token).await
    }
}
