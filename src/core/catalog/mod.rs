//! The permission catalog: which IAM actions each Step Functions integration needs.
