//! The Terraform front end on small modules.

use std::collections::BTreeMap;

use super::eval::Scope;
use super::module::Module;
use crate::core::files::{FileId, FileSet};
use crate::core::fix::Dialect;
use crate::core::syntax::Node;
use crate::core::template::Scan;
use crate::core::workspace::Workspace;

const ROOT: &str = r#"
provider "aws" {
  region = var.region
}

variable "region" {
  default = "eu-west-1"
}

variable "prefix" {
  default = "shop"
}

locals {
  worker_name = "${var.prefix}-worker"
}

data "aws_caller_identity" "current" {}

resource "aws_lambda_function" "worker" {
  function_name = local.worker_name
}

resource "aws_lambda_function" "unnamed" {
  handler = "x"
}

module "flow" {
  source     = "./modules/flow"
  role       = aws_iam_role.flow.arn
  definition = "../../flow.asl.json"
  worker     = aws_lambda_function.worker.arn
}

resource "aws_iam_role" "flow" {
  assume_role_policy = data.aws_iam_policy_document.trust.json
  managed_policy_arns = ["arn:aws:iam::aws:policy/service-role/AWSLambdaRole"]
}

data "aws_iam_policy_document" "trust" {
  statement {
actions = ["sts:AssumeRole"]
principals {
  type        = "Service"
  identifiers = ["states.amazonaws.com"]
}
condition {
  test     = "StringEquals"
  variable = "aws:SourceAccount"
  values   = [data.aws_caller_identity.current.account_id]
}
  }
}

resource "aws_iam_role_policy" "flow" {
  role   = aws_iam_role.flow.name
  policy = <<-EOT
{"Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "${aws_lambda_function.worker.arn}"}]}
  EOT
}

output "machine" {
  value = module.flow.arn
}
"#;

const CHILD: &str = r#"
variable "role" {}
variable "definition" {}
variable "worker" {}

data "template_file" "definition" {
  template = file("${path.module}/${var.definition}")
  vars = {
worker = var.worker
  }
}

resource "aws_sfn_state_machine" "this" {
  name       = "flow"
  role_arn   = var.role
  definition = data.template_file.definition.rendered
}

output "arn" {
  value = aws_sfn_state_machine.this.arn
}
"#;

fn workspace() -> FileSet {
    let mut files = FileSet::new();
    files.insert("/w/main.tf", ROOT, None);
    files.insert("/w/modules/flow/main.tf", CHILD, None);
    files.insert(
        "/w/flow.asl.json",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "${worker}", "End": true}}}"#,
        None,
    );
    files
}

#[test]
fn references_evaluate_to_canonical_values() {
    let files = workspace();
    let ws = Workspace::new(&files);
    let roots: Vec<(FileId, &Node)> = vec![(FileId(0), ws.root(FileId(0)).unwrap())];
    let module = Module::new("/w".into(), &roots);
    let modules = BTreeMap::new();
    let scope = Scope::new(&modules, &module, None, String::new());
    let value = |text: &str| scope.reference(text, 0);
    let region = "${AWS::Region}";
    assert_eq!(value("var.region").as_deref(), Some(region));
    assert_eq!(value("var.prefix").as_deref(), Some("shop"));
    assert_eq!(value("local.worker_name").as_deref(), Some("shop-worker"));
    assert_eq!(
        value("aws_lambda_function.worker.arn").as_deref(),
        Some("arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:shop-worker")
    );
    assert_eq!(
        value("aws_lambda_function.worker[0].arn").as_deref(),
        Some("arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:shop-worker")
    );
    assert_eq!(
        value("aws_lambda_function.unnamed.arn").as_deref(),
        Some("arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${aws_lambda_function.unnamed.function_name}")
    );
    assert_eq!(
        value("data.aws_caller_identity.current.account_id").as_deref(),
        Some("${AWS::AccountId}")
    );
    assert_eq!(
        value("aws_lambda_function.worker.invoke_arn").as_deref(),
        Some("${aws_lambda_function.worker.invoke_arn}")
    );
    assert_eq!(value("module.flow.arn").as_deref(), Some("${module.flow.arn}"));

    let encoder = scope.encoder();
    let worker = "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:shop-worker";
    assert_eq!(
        encoder.encode_str(worker),
        serde_json::json!({"$ref": "aws_lambda_function.worker.arn"})
    );
    assert_eq!(
        encoder.encode_str(&format!("{worker}:*")),
        serde_json::json!("${aws_lambda_function.worker.arn}:*")
    );
    assert_eq!(
        encoder.encode_str("arn:aws:events:${AWS::Region}:${AWS::AccountId}:rule/R"),
        serde_json::json!(
            "arn:aws:events:${var.region}:${data.aws_caller_identity.current.account_id}:rule/R"
        )
    );
}

#[test]
fn a_local_module_is_followed_from_its_module_block() {
    let files = workspace();
    let ws = Workspace::new(&files);
    let mut scan = Scan::default();
    super::scan(&ws, &mut scan);
    assert_eq!(scan.units.len(), 1);
    let unit = &scan.units[0];
    let definition = files.lookup("/w/flow.asl.json").unwrap();
    assert_eq!(unit.definition.file, definition);
    assert!(scan.claimed.contains(&definition));
    assert_eq!(
        unit.definition
            .root
            .get("States")
            .unwrap()
            .get("A")
            .unwrap()
            .get("Resource")
            .unwrap()
            .as_str(),
        Some("arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:shop-worker")
    );
    assert_eq!(
        unit.machine.as_ref().unwrap().logical_id,
        "module.flow.aws_sfn_state_machine.this"
    );
    // The heredoc policy, then the managed policy.
    assert_eq!(unit.policies.len(), 2);
    let heredoc = &unit.policies[0];
    assert_eq!(heredoc.dialect, Dialect::HclJson);
    let resource = heredoc.root.get("Statement").unwrap().elements()[0]
        .get("Resource")
        .unwrap();
    assert_eq!(
        &ROOT[resource.span.start()..resource.span.end()],
        "\"${aws_lambda_function.worker.arn}\""
    );
    assert_eq!(
        resource.as_str(),
        Some("arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:shop-worker")
    );
    assert_eq!(unit.policies[1].dialect, Dialect::Generated);
    // The trust policy document in the IAM shape, at its blocks.
    let trust = unit.trust.as_ref().unwrap();
    let statement = &trust.root.get("Statement").unwrap().elements()[0];
    assert_eq!(
        statement.to_json(),
        serde_json::json!({
            "Action": ["sts:AssumeRole"],
            "Effect": "Allow",
            "Principal": {"Service": ["states.amazonaws.com"]},
            "Condition": {"StringEquals": {"aws:SourceAccount": ["${AWS::AccountId}"]}}
        })
    );
    assert!(ROOT[statement.span.start()..].starts_with("statement {"));
    let principal = statement.get("Principal").unwrap().get("Service").unwrap();
    assert_eq!(
        &ROOT[principal.span.start()..principal.span.end()],
        "[\"states.amazonaws.com\"]"
    );
}

mod hostile {
    use crate::core::files::FileSet;

    #[test]
    fn locals_that_double_at_every_level_stop() {
        let mut text = String::from("locals {\n");
        for i in 0..40 {
            text.push_str(&format!(
                "  l{i} = \"${{local.l{}}}${{local.l{}}}\"\n",
                i + 1,
                i + 1
            ));
        }
        text.push_str("  l40 = \"x\"\n}\nresource \"aws_sfn_state_machine\" \"m\" {\n  name = local.l0\n  definition = jsonencode({ StartAt = local.l0, States = {} })\n}\n");
        let mut files = FileSet::new();
        files.insert("/h/main.tf", text, None);
        let started = std::time::Instant::now();
        crate::core::analyze(&files, None);
        assert!(started.elapsed().as_secs() < 10);
    }
}

mod unreadable {
    use crate::core::files::FileSet;

    #[test]
    fn a_role_with_an_unreadable_policy_is_not_judged() {
        let text = r#"
resource "aws_sfn_state_machine" "m" {
  name     = "m"
  role_arn = aws_iam_role.r.arn
  definition = jsonencode({
    StartAt = "A"
    States = { A = { Type = "Task", Resource = "arn:aws:states:::sns:publish", Parameters = { TopicArn = "arn:aws:sns:us-east-1:123456789012:t", Message = "x" }, End = true } }
  })
}
resource "aws_iam_role" "r" {
  assume_role_policy = "{}"
}
data "aws_iam_policy_document" "p" {
  dynamic "statement" {
    for_each = var.statements
    content {
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}
resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.r.id
  policy = data.aws_iam_policy_document.p.json
}
"#;
        let mut files = FileSet::new();
        files.insert("/u/main.tf", text, None);
        let ws = crate::core::workspace::Workspace::new(&files);
        let (units, _) = crate::core::link::units(&ws);
        assert_eq!(units.len(), 1);
        assert!(units[0].policies.is_empty());
        let analysis = crate::core::analyze(&files, None);
        assert!(
            analysis.findings.iter().all(|f| f.rule != "missing-permission"),
            "{:?}",
            analysis.findings.iter().map(|f| f.rule).collect::<Vec<_>>()
        );
    }
}

mod shared_role {
    use crate::core::files::FileSet;

    #[test]
    fn a_role_a_lambda_function_also_runs_as_is_not_trimmed() {
        let machine = r#"
resource "aws_sfn_state_machine" "m" {
  name     = "m"
  role_arn = aws_iam_role.r.arn
  definition = jsonencode({
    StartAt = "A"
    States = { A = { Type = "Task", Resource = "arn:aws:states:::sns:publish", Parameters = { TopicArn = "arn:aws:sns:us-east-1:123456789012:t", Message = "x" }, End = true } }
  })
}
resource "aws_iam_role" "r" {
  assume_role_policy = "{}"
  inline_policy {
    name = "p"
    policy = jsonencode({
      Statement = [{ Effect = "Allow", Action = ["sns:Publish", "dynamodb:GetItem"], Resource = "*" }]
    })
  }
}
"#;
        let unused = |text: &str| {
            let mut files = FileSet::new();
            files.insert("/s/main.tf", text, None);
            crate::core::analyze(&files, None)
                .findings
                .iter()
                .filter(|f| f.rule == "unused-permission")
                .count()
        };
        assert_eq!(unused(machine), 1);
        let with_lambda = format!(
            "{machine}\nresource \"aws_lambda_function\" \"f\" {{\n  function_name = \"f\"\n  role = aws_iam_role.r.arn\n}}\n"
        );
        assert_eq!(unused(&with_lambda), 0);
    }
}
