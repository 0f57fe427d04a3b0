data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

resource "aws_ecs_cluster" "main" {
  name = "main"
}

resource "aws_sfn_state_machine" "flow" {
  name     = "flow"
  role_arn = aws_iam_role.flow.arn
  definition = templatefile("${path.module}/statemachine/flow.asl.json", {
    cluster_arn     = aws_ecs_cluster.main.arn
    task_definition = "arn:aws:ecs:us-east-1:123456789012:task-definition/job:4"
  })
}

resource "aws_iam_role" "flow" {
  name               = "flow"
  assume_role_policy = file("${path.module}/trust.json")

  inline_policy {
    name = "run"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [
        {
          Effect   = "Allow"
          Action   = ["ecs:RunTask"]
          Resource = ["arn:aws:ecs:us-east-1:123456789012:task-definition/job:4"]
        },
        {
          Effect   = "Allow"
          Action   = ["ecs:StopTask", "ecs:DescribeTasks"]
          Resource = ["*"]
        },
      ]
    })
  }
}
