//! What the end-to-end tests share: a workspace on disk, a definition and
//! its policy, and short renderings of diagnostics and ranges.

use serde_json::{json, Value};

pub const DEFINITION: &str = r#"{
  "StartAt": "Validate",
  "States": {
    "Validate": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {
        "FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:Worker",
        "Payload.$": "$"
      },
      "Next": "Pack"
    },
    "Pack": {
      "Type": "Task",
      "Resource": "arn:aws:states:::ecs:runTask.sync",
      "Parameters": {
        "Cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/main",
        "TaskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/pack:3"
      },
      "End": true
    }
  }
}
"#;

pub const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Invoke",
      "Effect": "Allow",
      "Action": "lambda:InvokeFunction",
      "Resource": "*"
    },
    {
      "Sid": "Run",
      "Effect": "Allow",
      "Action": "ecs:RunTask",
      "Resource": "arn:aws:ecs:us-east-1:123456789012:task-definition/pack:3"
    }
  ]
}
"#;

pub struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new(files: &[(&str, &str)]) -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        Workspace { dir }
    }

    pub fn root(&self) -> String {
        std::fs::canonicalize(self.dir.path())
            .unwrap()
            .to_string_lossy()
            .to_string()
    }

    pub fn uri(&self, name: &str) -> String {
        asl_lsp::protocol::uri::from_path(&format!("{}/{}", self.root(), name))
    }
}

pub fn summary(diagnostics: &[Value]) -> Vec<String> {
    let mut out: Vec<String> = diagnostics
        .iter()
        .map(|d| {
            format!(
                "{} {} {}:{}-{}:{}",
                d["code"].as_str().unwrap_or(""),
                d["severity"],
                d["range"]["start"]["line"],
                d["range"]["start"]["character"],
                d["range"]["end"]["line"],
                d["range"]["end"]["character"]
            )
        })
        .collect();
    out.sort();
    out
}

pub fn span(range: &Value) -> String {
    format!(
        "{}:{}-{}:{}",
        range["start"]["line"], range["start"]["character"], range["end"]["line"], range["end"]["character"]
    )
}

pub fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}
