data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "flow" {
  name               = "flow"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_sfn_state_machine" "flow" {
  name       = "flow"
  role_arn   = aws_iam_role.flow.arn
  definition = templatefile("${path.module}/statemachines/flow.asl.json", { queue = "jobs" })
}
