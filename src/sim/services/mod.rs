//! The simulated AWS services, one module each, each with its table of operations.

pub(crate) mod iam;
pub(crate) mod organizations;
pub(crate) mod s3;
pub(crate) mod sqs;
pub(crate) mod sts;
