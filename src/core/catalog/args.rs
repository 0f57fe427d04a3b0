//! What a task's arguments are known to be, and the ARN context catalog
//! templates are filled in with.

/// What the analysis knows about one argument of the task
/// (`Parameters` in JSONPath mode, `Arguments` in JSONata mode).
#[derive(Clone, Debug, PartialEq)]
pub enum ArgValue {
    Static(serde_json::Value),
    Dynamic,
    Absent,
}

/// Where ARNs are written: unknown region/account become `*`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ArnContext {
    pub partition: Option<String>,
    pub region: Option<String>,
    pub account: Option<String>,
    /// Values may hold a template's references (`${OrdersTable}`): a
    /// placeholder then names a known resource, not an unknown one.
    pub symbolic: bool,
}

pub(super) fn fill(template: &str, ctx: &ArnContext, value: Option<&str>, name: Option<&str>) -> String {
    let mut out = String::with_capacity(template.len() + 48);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let Some(close) = after.find('}') else {
            out.push_str(after);
            return out;
        };
        let replacement = match &after[1..close] {
            "partition" => ctx.partition.as_deref().unwrap_or("aws"),
            "region" => ctx.region.as_deref().unwrap_or("*"),
            "account" => ctx.account.as_deref().unwrap_or("*"),
            "value" => value.unwrap_or("*"),
            "name" => name.unwrap_or("*"),
            _ => &after[..=close],
        };
        out.push_str(replacement);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}
