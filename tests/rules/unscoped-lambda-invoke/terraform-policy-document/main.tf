resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = "arn:aws:iam::123456789012:role/lambda"
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "worker.zip"
}

resource "aws_sfn_state_machine" "flow" {
  name       = "flow"
  role_arn   = "${aws_iam_role.flow.arn}"
  definition = <<EOF
{
  "StartAt": "Work",
  "States": {
    "Work": {
      "Type": "Task",
      "Resource": "${aws_lambda_function.worker.arn}",
      "End": true
    }
  }
}
EOF
}

data "aws_iam_policy_document" "flow" {
  statement {
    sid       = "Invoke"
    actions   = ["lambda:InvokeFunction"]
    resources = ["*"]
  }
}

resource "aws_iam_role" "flow" {
  name               = "flow"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }
  }
}

resource "aws_iam_policy" "flow" {
  name   = "flow"
  policy = data.aws_iam_policy_document.flow.json
}

resource "aws_iam_role_policy_attachment" "flow" {
  role       = aws_iam_role.flow.name
  policy_arn = aws_iam_policy.flow.arn
}
