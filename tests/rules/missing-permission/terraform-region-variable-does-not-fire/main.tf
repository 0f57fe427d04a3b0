# The provider's region comes from var.region: ARNs the workflow needs are
# in "${AWS::Region}", which a grant written for us-east-1 may cover.
provider "aws" {
  region = var.region
}

variable "region" {
  default = "us-east-1"
}

data "aws_caller_identity" "current" {}

resource "aws_sfn_state_machine" "query" {
  name     = "query"
  role_arn = aws_iam_role.query.arn
  definition = jsonencode({
    StartAt = "Query"
    States = {
      Query = {
        Type     = "Task"
        Resource = "arn:aws:states:::athena:startQueryExecution.sync"
        Parameters = {
          QueryString = "SELECT 1"
          WorkGroup   = "primary"
        }
        End = true
      }
    }
  })
}

resource "aws_iam_role" "query" {
  name = "query"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "states.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id }
        ArnLike      = { "aws:SourceArn" = "arn:aws:states:${var.region}:${data.aws_caller_identity.current.account_id}:stateMachine:*" }
      }
    }]
  })

  inline_policy {
    name = "query"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [
        {
          Effect   = "Allow"
          Action   = ["athena:startQueryExecution", "athena:stopQueryExecution", "athena:getQueryExecution"]
          Resource = ["arn:aws:athena:${var.region}:${data.aws_caller_identity.current.account_id}:workgroup/primary"]
        },
        {
          Effect   = "Allow"
          Action   = ["s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload", "s3:CreateBucket", "s3:PutObject"]
          Resource = ["arn:aws:s3:::*"]
        },
        {
          Effect   = "Allow"
          Action   = ["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"]
          Resource = ["arn:aws:glue:us-east-1:${data.aws_caller_identity.current.account_id}:catalog"]
        },
      ]
    })
  }
}
