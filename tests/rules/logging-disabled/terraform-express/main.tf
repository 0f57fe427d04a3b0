resource "aws_sfn_state_machine" "orders" {
  name       = "orders"
  role_arn   = aws_iam_role.orders.arn
  type       = "EXPRESS"
  definition = jsonencode({
    StartAt = "Done"
    States  = { Done = { Type = "Succeed" } }
  })
}

resource "aws_sfn_state_machine" "audit" {
  name       = "audit"
  role_arn   = aws_iam_role.orders.arn
  definition = jsonencode({
    StartAt = "Done"
    States  = { Done = { Type = "Succeed" } }
  })
  logging_configuration {
    log_destination = "${aws_cloudwatch_log_group.audit.arn}:*"
    level           = "OFF"
  }
}

resource "aws_cloudwatch_log_group" "audit" {
  name = "audit"
}

resource "aws_iam_role" "orders" {
  name = "orders"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "states.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = "123456789012" }
        ArnLike      = { "aws:SourceArn" = "arn:aws:states:us-east-1:123456789012:stateMachine:*" }
      }
    }]
  })
}
