//! The requests Step Functions makes to assume an execution role: the
//! service principal, and the `aws:SourceAccount`/`aws:SourceArn` it sends
//! (<https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html#prevent-cross-service-confused-deputy>),
//! for the account's own state machine and for a foreign one.

use super::context::Context;
use crate::core::iam::Policy;

/// A state machine that may ask to assume the role.
pub struct Source {
    pub account: String,
    pub arn: String,
}

pub struct TrustRequest {
    partition: String,
    region: String,
    /// Account ids written in the policy's source conditions.
    written_accounts: Vec<String>,
    own_account: Option<String>,
}

/// The service principals Step Functions assumes roles as: the global one,
/// the regional one where the region is known, and (with `written`) each
/// regional form a policy names as written (`states.${AWS::Region}...`).
pub fn states_principals(ctx: &Context, written: Option<&Policy>) -> Vec<String> {
    let mut out = vec!["states.amazonaws.com".to_string()];
    if let Some(region) = ctx.arn.region.as_deref().filter(|r| !r.contains("${")) {
        out.push(format!("states.{region}.amazonaws.com"));
    }
    for statement in written.map(|p| p.statements.as_slice()).unwrap_or_default() {
        for principal in &statement.principal_services {
            let value = &principal.value;
            let lower = value.to_ascii_lowercase();
            if lower.starts_with("states.")
                && lower.ends_with(".amazonaws.com")
                && !out.iter().any(|o| o.eq_ignore_ascii_case(value))
            {
                out.push(value.clone());
            }
        }
    }
    out
}

impl TrustRequest {
    pub fn new(ctx: &Context, trust: &Policy) -> TrustRequest {
        let mut written_accounts = Vec::new();
        for statement in &trust.statements {
            for condition in &statement.conditions {
                for value in &condition.values {
                    for word in value.value.split(|c: char| !c.is_ascii_digit()) {
                        if word.len() == 12 && !written_accounts.iter().any(|a| a == word) {
                            written_accounts.push(word.to_string());
                        }
                    }
                }
            }
        }
        TrustRequest {
            partition: ctx.arn.partition.clone().unwrap_or_else(|| "aws".into()),
            region: ctx
                .arn
                .region
                .clone()
                .filter(|r| !r.contains("${"))
                .unwrap_or_else(|| "us-east-1".into()),
            written_accounts,
            own_account: ctx.arn.account.clone(),
        }
    }

    /// State machines of other accounts to try: one of an account no
    /// condition names, and one of each account a condition names other
    /// than the role's own (when the role's account is known).
    pub fn foreign_sources(&self) -> Vec<Source> {
        let mut accounts = vec![unnamed_account(&self.written_accounts)];
        if let Some(own) = self.own_account.as_deref().filter(|a| !a.contains("${")) {
            accounts.extend(self.written_accounts.iter().filter(|a| *a != own).cloned());
        }
        accounts
            .into_iter()
            .map(|account| Source {
                arn: format!(
                    "arn:{}:states:{}:{account}:stateMachine:AnotherAccountsMachine",
                    self.partition, self.region
                ),
                account,
            })
            .collect()
    }
}

/// A twelve-digit account id that none of `taken` is.
fn unnamed_account(taken: &[String]) -> String {
    (0u64..)
        .map(|n| format!("{:012}", 999_999_999_999 - n * 111_111_111))
        .find(|a| !taken.contains(a))
        .unwrap_or_else(|| "999999999999".into())
}
