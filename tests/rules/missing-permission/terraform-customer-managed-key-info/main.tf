data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

resource "aws_kms_key" "flow" {
  description = "flow"
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
}

resource "aws_iam_role_policy" "flow" {
  role = aws_iam_role.flow.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "kms:Decrypt"
      Resource = aws_kms_key.flow.arn
    }]
  })
}

resource "aws_sfn_state_machine" "flow" {
  name     = "flow"
  role_arn = aws_iam_role.flow.arn
  encryption_configuration {
    type                              = "CUSTOMER_MANAGED_KMS_KEY"
    kms_key_id                        = aws_kms_key.flow.arn
    kms_data_key_reuse_period_seconds = 300
  }
  definition = jsonencode({
    StartAt = "Wait"
    States  = { Wait = { Type = "Wait", Seconds = 5, End = true } }
  })
}
