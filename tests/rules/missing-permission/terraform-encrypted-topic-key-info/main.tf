data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

resource "aws_kms_key" "topic" {
  description = "topic"
}

resource "aws_sns_topic" "alerts" {
  name              = "alerts"
  kms_master_key_id = aws_kms_key.topic.key_id
}

resource "aws_iam_role" "flow" {
  name = "flow"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "states.amazonaws.com" }
      Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id } }
    }]
  })
  inline_policy {
    name = "flow"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect   = "Allow"
        Action   = "sns:Publish"
        Resource = aws_sns_topic.alerts.arn
      }]
    })
  }
}

resource "aws_sfn_state_machine" "flow" {
  name     = "flow"
  role_arn = aws_iam_role.flow.arn
  logging_configuration {
    level = "OFF"
  }
  definition = jsonencode({
    StartAt = "Alert"
    States = {
      Alert = {
        Type     = "Task"
        Resource = "arn:aws:states:::sns:publish"
        Parameters = {
          TopicArn    = aws_sns_topic.alerts.arn
          "Message.$" = "$"
        }
        End = true
      }
    }
  })
}
