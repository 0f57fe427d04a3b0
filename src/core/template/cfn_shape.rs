//! How the references of the resource types the catalog knows read in a
//! CloudFormation template: what `Ref` and each `Fn::GetAtt` attribute
//! give, with `{name}` for the physical name.

/// How a resource type's references read. `{name}` is its physical name.
pub(super) struct Shape {
    /// The property that sets the physical name, if the type has one.
    pub(super) name_property: Option<&'static str>,
    /// The attribute that yields the name when no literal name is set
    /// (empty: `Ref` yields it).
    pub(super) name_token: &'static str,
    /// What `Ref` returns.
    pub(super) reference: Form,
    /// The `Arn` attribute.
    pub(super) arn: Option<Form>,
    /// Other attributes.
    pub(super) attributes: &'static [(&'static str, Form)],
}

/// One form a reference takes: written here, or the ARN format of a
/// resource type of the Service Authorization Reference snapshot
/// (`crate::core::sar::template_arn`).
#[derive(Clone, Copy)]
pub(super) enum Form {
    Text(&'static str),
    /// IAM prefix and resource type.
    Arn(&'static str, &'static str),
}

impl Form {
    /// The form's text; `None` if the snapshot lost the resource type
    /// (a unit test checks every shape's).
    pub(super) fn text(self) -> Option<&'static str> {
        match self {
            Form::Text(text) => Some(text),
            Form::Arn(prefix, resource_type) => crate::core::sar::template_arn(prefix, resource_type),
        }
    }
}

impl Shape {
    /// A type whose `Ref` is its name and whose `Arn` attribute is the ARN
    /// format of `resource_type` of the IAM service `prefix`.
    const fn named(name_property: &'static str, prefix: &'static str, resource_type: &'static str) -> Shape {
        Shape {
            name_property: Some(name_property),
            name_token: "",
            reference: Form::Text("{name}"),
            arn: Some(Form::Arn(prefix, resource_type)),
            attributes: &[],
        }
    }

    /// Every attribute form, `Arn` first.
    pub(super) fn forms(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        self.arn
            .map(|arn| ("Arn", arn))
            .into_iter()
            .chain(self.attributes.iter().copied())
            .filter_map(|(name, form)| form.text().map(|text| (name, text)))
    }
}

const fn text(text: &'static str) -> Form {
    Form::Text(text)
}

/// The resource types whose ARNs the permission catalog works with. The
/// forms are those the CloudFormation resource reference documents for
/// `Ref` and `Fn::GetAtt`; where they are ARNs, they are the Service
/// Authorization Reference's formats, except the log group's `Arn`, which
/// CloudFormation documents with a `:*` suffix the reference's format
/// (`log-group:${LogGroupName}`) does not have, and the SQS queue URL,
/// which is not an ARN.
pub(super) fn shape(kind: &str) -> Option<&'static Shape> {
    const LAMBDA: Shape = Shape::named("FunctionName", "lambda", "function");
    const TABLE: Shape = Shape::named("TableName", "dynamodb", "table");
    const QUEUE_URL: &str = "https://sqs.${AWS::Region}.amazonaws.com/${AWS::AccountId}/{name}";
    const QUEUE: Shape = Shape {
        name_property: Some("QueueName"),
        name_token: "QueueName",
        reference: text(QUEUE_URL),
        arn: Some(Form::Arn("sqs", "queue")),
        attributes: &[("QueueName", text("{name}")), ("QueueUrl", text(QUEUE_URL))],
    };
    const TOPIC: Shape = Shape {
        name_property: Some("TopicName"),
        name_token: "TopicName",
        reference: Form::Arn("sns", "topic"),
        arn: None,
        attributes: &[
            ("TopicArn", Form::Arn("sns", "topic")),
            ("TopicName", text("{name}")),
        ],
    };
    const STATE_MACHINE: Shape = Shape {
        name_property: Some("StateMachineName"),
        name_token: "Name",
        reference: Form::Arn("states", "statemachine"),
        arn: Some(Form::Arn("states", "statemachine")),
        attributes: &[("Name", text("{name}"))],
    };
    const SAM_STATE_MACHINE: Shape = Shape {
        name_property: Some("Name"),
        ..STATE_MACHINE
    };
    const ACTIVITY: Shape = Shape {
        name_property: Some("Name"),
        name_token: "Name",
        reference: Form::Arn("states", "activity"),
        arn: None,
        attributes: &[("Name", text("{name}"))],
    };
    const BUCKET: Shape = Shape::named("BucketName", "s3", "bucket");
    const EVENT_BUS: Shape = Shape {
        name_property: Some("Name"),
        name_token: "Name",
        reference: text("{name}"),
        arn: Some(Form::Arn("events", "event-bus")),
        attributes: &[("Name", text("{name}"))],
    };
    const ROLE: Shape = Shape::named("RoleName", "iam", "role");
    const CLUSTER: Shape = Shape::named("ClusterName", "ecs", "cluster");
    const LOG_GROUP: Shape = Shape {
        arn: Some(text(
            "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:{name}:*",
        )),
        ..Shape::named("LogGroupName", "logs", "log-group")
    };
    const CODEBUILD: Shape = Shape::named("Name", "codebuild", "project");
    const GLUE_JOB: Shape = Shape {
        name_property: Some("Name"),
        name_token: "",
        reference: text("{name}"),
        arn: None,
        attributes: &[],
    };
    const STREAM: Shape = Shape::named("Name", "kinesis", "stream");
    // `Ref` and `TaskDefinitionArn` are the ARN with its revision.
    const TASK_DEFINITION_ARN: &str =
        "arn:aws:ecs:${AWS::Region}:${AWS::AccountId}:task-definition/{name}:{revision}";
    const TASK_DEFINITION: Shape = Shape {
        name_property: Some("Family"),
        name_token: "Family",
        reference: text(TASK_DEFINITION_ARN),
        arn: None,
        attributes: &[("TaskDefinitionArn", text(TASK_DEFINITION_ARN))],
    };
    // `Ref` is the key ID, which only deployment gives.
    const KMS_KEY: Shape = Shape {
        name_property: None,
        name_token: "KeyId",
        reference: text("{name}"),
        arn: Some(Form::Arn("kms", "key")),
        attributes: &[("KeyId", text("{name}"))],
    };
    Some(match kind {
        "AWS::KMS::Key" => &KMS_KEY,
        "AWS::Lambda::Function" | "AWS::Serverless::Function" => &LAMBDA,
        "AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable" | "AWS::Serverless::SimpleTable" => &TABLE,
        "AWS::SQS::Queue" => &QUEUE,
        "AWS::SNS::Topic" => &TOPIC,
        "AWS::StepFunctions::StateMachine" => &STATE_MACHINE,
        "AWS::Serverless::StateMachine" => &SAM_STATE_MACHINE,
        "AWS::StepFunctions::Activity" => &ACTIVITY,
        "AWS::S3::Bucket" => &BUCKET,
        "AWS::Events::EventBus" => &EVENT_BUS,
        "AWS::IAM::Role" => &ROLE,
        "AWS::ECS::Cluster" => &CLUSTER,
        "AWS::Logs::LogGroup" => &LOG_GROUP,
        "AWS::CodeBuild::Project" => &CODEBUILD,
        "AWS::Glue::Job" => &GLUE_JOB,
        "AWS::Kinesis::Stream" => &STREAM,
        "AWS::ECS::TaskDefinition" => &TASK_DEFINITION,
        _ => return None,
    })
}
