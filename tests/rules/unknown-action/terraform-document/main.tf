resource "aws_sfn_state_machine" "orders" {
  name     = "orders"
  role_arn = aws_iam_role.orders.arn
  definition = jsonencode({
    StartAt = "Put"
    States = {
      Put = {
        Type     = "Task"
        Resource = "arn:aws:states:::sqs:sendMessage"
        Parameters = {
          QueueUrl    = "https://sqs.us-east-1.amazonaws.com/123456789012/orders"
          MessageBody = "hello"
        }
        End = true
      }
    }
  })
}

resource "aws_iam_role" "orders" {
  name               = "orders"
  assume_role_policy = "{}"
}

data "aws_iam_policy_document" "orders" {
  statement {
    actions   = ["sqs:SendMessages", "sqs:SendMessage"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "orders" {
  role   = aws_iam_role.orders.id
  policy = data.aws_iam_policy_document.orders.json
}
