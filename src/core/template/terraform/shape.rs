//! How the attributes of the resource types the catalog knows read.

/// How a resource type's attributes read. `{name}` is its name.
pub(super) struct Shape {
    pub(super) name_property: &'static str,
    pub(super) forms: Vec<(&'static str, &'static str)>,
}

/// One attribute's form: written here, or the ARN format of a resource type
/// (IAM prefix, type) of the Service Authorization Reference snapshot
/// (`crate::core::sar::template_arn`).
#[derive(Clone, Copy)]
enum Form {
    T(&'static str),
    Arn(&'static str, &'static str),
}
use Form::{Arn, T};

/// A type named by its `name` argument whose `arn` is `$arn` and whose
/// `name` and `id` are the name.
macro_rules! named {
    ($arn:expr) => {
        (
            "name",
            &[("arn", $arn), ("name", T("{name}")), ("id", T("{name}"))],
        )
    };
}

const QUEUE_URL: &str = "https://sqs.${AWS::Region}.amazonaws.com/${AWS::AccountId}/{name}";

/// The resource types whose ARNs the permission catalog works with, as the
/// AWS provider documents their attributes. ARN attributes are the Service
/// Authorization Reference's formats, except where the reference has none
/// with one name: an ECS task definition's `arn_without_revision` (the
/// reference's format has the revision too); the queue URL is not an ARN.
pub(super) fn shape(kind: &str) -> Option<Shape> {
    let (name_property, forms): (&'static str, &'static [(&'static str, Form)]) = match kind {
        "aws_lambda_function" => (
            "function_name",
            &[
                ("arn", Arn("lambda", "function")),
                ("function_name", T("{name}")),
                ("id", T("{name}")),
            ],
        ),
        "aws_dynamodb_table" => named!(Arn("dynamodb", "table")),
        // The key ID is known only once it is created.
        "aws_kms_key" => (
            "key_id",
            &[
                ("arn", Arn("kms", "key")),
                ("key_id", T("{name}")),
                ("id", T("{name}")),
            ],
        ),
        "aws_sqs_queue" => (
            "name",
            &[
                ("arn", Arn("sqs", "queue")),
                ("url", T(QUEUE_URL)),
                ("id", T(QUEUE_URL)),
                ("name", T("{name}")),
            ],
        ),
        "aws_sns_topic" => (
            "name",
            &[
                ("arn", Arn("sns", "topic")),
                ("id", Arn("sns", "topic")),
                ("name", T("{name}")),
            ],
        ),
        "aws_sfn_state_machine" => (
            "name",
            &[
                ("arn", Arn("states", "statemachine")),
                ("id", Arn("states", "statemachine")),
                ("name", T("{name}")),
            ],
        ),
        "aws_sfn_activity" => (
            "name",
            &[
                ("arn", Arn("states", "activity")),
                ("id", Arn("states", "activity")),
                ("name", T("{name}")),
            ],
        ),
        "aws_s3_bucket" => (
            "bucket",
            &[
                ("arn", Arn("s3", "bucket")),
                ("id", T("{name}")),
                ("bucket", T("{name}")),
            ],
        ),
        "aws_cloudwatch_event_bus" => named!(Arn("events", "event-bus")),
        "aws_iam_role" => named!(Arn("iam", "role")),
        "aws_ecs_cluster" => (
            "name",
            &[
                ("arn", Arn("ecs", "cluster")),
                ("id", Arn("ecs", "cluster")),
                ("name", T("{name}")),
            ],
        ),
        "aws_ecs_task_definition" => (
            "family",
            &[
                (
                    "arn",
                    T("arn:aws:ecs:${AWS::Region}:${AWS::AccountId}:task-definition/{name}:{revision}"),
                ),
                (
                    "arn_without_revision",
                    T("arn:aws:ecs:${AWS::Region}:${AWS::AccountId}:task-definition/{name}"),
                ),
                ("family", T("{name}")),
            ],
        ),
        "aws_cloudwatch_log_group" => named!(Arn("logs", "log-group")),
        "aws_codebuild_project" => named!(Arn("codebuild", "project")),
        "aws_glue_job" => named!(Arn("glue", "job")),
        "aws_glue_crawler" => named!(Arn("glue", "crawler")),
        "aws_kinesis_stream" => (
            "name",
            &[("arn", Arn("kinesis", "stream")), ("name", T("{name}"))],
        ),
        "aws_batch_job_queue" => (
            "name",
            &[
                ("arn", Arn("batch", "job-queue")),
                ("id", Arn("batch", "job-queue")),
                ("name", T("{name}")),
            ],
        ),
        "aws_batch_job_definition" => (
            "name",
            &[
                ("arn_prefix", Arn("batch", "job-definition")),
                ("name", T("{name}")),
            ],
        ),
        "aws_athena_workgroup" => named!(Arn("athena", "workgroup")),
        "aws_eks_cluster" => named!(Arn("eks", "cluster")),
        _ => return None,
    };
    let forms = forms
        .iter()
        .filter_map(|(attribute, form)| {
            let text = match *form {
                T(text) => Some(text),
                // `None` only if the snapshot lost the type (a unit test
                // checks every one): that attribute is then not followed.
                Arn(prefix, resource_type) => crate::core::sar::template_arn(prefix, resource_type),
            };
            text.map(|t| (*attribute, t))
        })
        .collect();
    Some(Shape { name_property, forms })
}

#[cfg(test)]
mod tests {
    /// The ARN attributes resolve from the snapshot to the forms the AWS
    /// provider's attributes take.
    #[test]
    fn arn_attributes_come_from_the_reference() {
        let arn = |kind: &str, attribute: &str| {
            super::shape(kind).and_then(|s| s.forms.iter().find(|(a, _)| *a == attribute).map(|(_, f)| *f))
        };
        let expected = [
            (
                "aws_lambda_function",
                "arn",
                "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:{name}",
            ),
            (
                "aws_dynamodb_table",
                "arn",
                "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/{name}",
            ),
            (
                "aws_sqs_queue",
                "arn",
                "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:{name}",
            ),
            (
                "aws_sns_topic",
                "id",
                "arn:aws:sns:${AWS::Region}:${AWS::AccountId}:{name}",
            ),
            (
                "aws_sfn_state_machine",
                "arn",
                "arn:aws:states:${AWS::Region}:${AWS::AccountId}:stateMachine:{name}",
            ),
            (
                "aws_sfn_activity",
                "arn",
                "arn:aws:states:${AWS::Region}:${AWS::AccountId}:activity:{name}",
            ),
            ("aws_s3_bucket", "arn", "arn:aws:s3:::{name}"),
            (
                "aws_cloudwatch_event_bus",
                "arn",
                "arn:aws:events:${AWS::Region}:${AWS::AccountId}:event-bus/{name}",
            ),
            (
                "aws_iam_role",
                "arn",
                "arn:aws:iam::${AWS::AccountId}:role/{name}",
            ),
            (
                "aws_ecs_cluster",
                "id",
                "arn:aws:ecs:${AWS::Region}:${AWS::AccountId}:cluster/{name}",
            ),
            (
                "aws_cloudwatch_log_group",
                "arn",
                "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:{name}",
            ),
            (
                "aws_codebuild_project",
                "arn",
                "arn:aws:codebuild:${AWS::Region}:${AWS::AccountId}:project/{name}",
            ),
            (
                "aws_glue_job",
                "arn",
                "arn:aws:glue:${AWS::Region}:${AWS::AccountId}:job/{name}",
            ),
            (
                "aws_glue_crawler",
                "arn",
                "arn:aws:glue:${AWS::Region}:${AWS::AccountId}:crawler/{name}",
            ),
            (
                "aws_kinesis_stream",
                "arn",
                "arn:aws:kinesis:${AWS::Region}:${AWS::AccountId}:stream/{name}",
            ),
            (
                "aws_batch_job_queue",
                "arn",
                "arn:aws:batch:${AWS::Region}:${AWS::AccountId}:job-queue/{name}",
            ),
            (
                "aws_batch_job_definition",
                "arn_prefix",
                "arn:aws:batch:${AWS::Region}:${AWS::AccountId}:job-definition/{name}",
            ),
            (
                "aws_athena_workgroup",
                "arn",
                "arn:aws:athena:${AWS::Region}:${AWS::AccountId}:workgroup/{name}",
            ),
            (
                "aws_eks_cluster",
                "arn",
                "arn:aws:eks:${AWS::Region}:${AWS::AccountId}:cluster/{name}",
            ),
        ];
        for (kind, attribute, form) in expected {
            assert_eq!(arn(kind, attribute), Some(form), "{kind}.{attribute}");
        }
    }
}
