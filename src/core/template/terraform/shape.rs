//! How the attributes of the resource types the catalog knows read.

/// How a resource type's attributes read. `{name}` is its name.
pub(super) struct Shape {
    pub(super) name_property: &'static str,
    pub(super) forms: &'static [(&'static str, &'static str)],
}

macro_rules! arn {
    ($service:literal, $rest:literal) => {
        concat!("arn:aws:", $service, ":${AWS::Region}:${AWS::AccountId}:", $rest)
    };
}

/// The resource types whose ARNs the permission catalog works with, as the
/// AWS provider documents their attributes.
/// A type named by its `name` argument whose `arn` is `$arn` and whose
/// `name` and `id` are the name.
macro_rules! named {
    ($arn:expr) => {
        ("name", &[("arn", $arn), ("name", "{name}"), ("id", "{name}")])
    };
}

pub(super) fn shape(kind: &str) -> Option<Shape> {
    let (name_property, forms): (&'static str, &'static [(&'static str, &'static str)]) = match kind {
        "aws_lambda_function" => (
            "function_name",
            &[
                ("arn", arn!("lambda", "function:{name}")),
                ("function_name", "{name}"),
                ("id", "{name}"),
            ],
        ),
        "aws_dynamodb_table" => named!(arn!("dynamodb", "table/{name}")),
        "aws_sqs_queue" => (
            "name",
            &[
                ("arn", arn!("sqs", "{name}")),
                (
                    "url",
                    "https://sqs.${AWS::Region}.amazonaws.com/${AWS::AccountId}/{name}",
                ),
                (
                    "id",
                    "https://sqs.${AWS::Region}.amazonaws.com/${AWS::AccountId}/{name}",
                ),
                ("name", "{name}"),
            ],
        ),
        "aws_sns_topic" => (
            "name",
            &[
                ("arn", arn!("sns", "{name}")),
                ("id", arn!("sns", "{name}")),
                ("name", "{name}"),
            ],
        ),
        "aws_sfn_state_machine" => (
            "name",
            &[
                ("arn", arn!("states", "stateMachine:{name}")),
                ("id", arn!("states", "stateMachine:{name}")),
                ("name", "{name}"),
            ],
        ),
        "aws_sfn_activity" => (
            "name",
            &[
                ("arn", arn!("states", "activity:{name}")),
                ("id", arn!("states", "activity:{name}")),
                ("name", "{name}"),
            ],
        ),
        "aws_s3_bucket" => (
            "bucket",
            &[
                ("arn", "arn:aws:s3:::{name}"),
                ("id", "{name}"),
                ("bucket", "{name}"),
            ],
        ),
        "aws_cloudwatch_event_bus" => named!(arn!("events", "event-bus/{name}")),
        "aws_iam_role" => named!("arn:aws:iam::${AWS::AccountId}:role/{name}"),
        "aws_ecs_cluster" => (
            "name",
            &[
                ("arn", arn!("ecs", "cluster/{name}")),
                ("id", arn!("ecs", "cluster/{name}")),
                ("name", "{name}"),
            ],
        ),
        "aws_ecs_task_definition" => (
            "family",
            &[
                ("arn_without_revision", arn!("ecs", "task-definition/{name}")),
                ("family", "{name}"),
            ],
        ),
        "aws_cloudwatch_log_group" => named!(arn!("logs", "log-group:{name}")),
        "aws_codebuild_project" => named!(arn!("codebuild", "project/{name}")),
        "aws_glue_job" => named!(arn!("glue", "job/{name}")),
        "aws_glue_crawler" => named!(arn!("glue", "crawler/{name}")),
        "aws_kinesis_stream" => (
            "name",
            &[("arn", arn!("kinesis", "stream/{name}")), ("name", "{name}")],
        ),
        "aws_batch_job_queue" => (
            "name",
            &[
                ("arn", arn!("batch", "job-queue/{name}")),
                ("id", arn!("batch", "job-queue/{name}")),
                ("name", "{name}"),
            ],
        ),
        "aws_batch_job_definition" => (
            "name",
            &[
                ("arn_prefix", arn!("batch", "job-definition/{name}")),
                ("name", "{name}"),
            ],
        ),
        "aws_athena_workgroup" => named!(arn!("athena", "workgroup/{name}")),
        "aws_eks_cluster" => named!(arn!("eks", "cluster/{name}")),
        _ => return None,
    };
    Some(Shape { name_property, forms })
}
