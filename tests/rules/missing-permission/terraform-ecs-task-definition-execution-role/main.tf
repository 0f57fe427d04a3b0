data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

resource "aws_iam_role" "task" {
  name               = "pack-task"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "execution" {
  name               = "pack-execution"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_ecs_task_definition" "pack" {
  family                = "pack"
  task_role_arn         = aws_iam_role.task.arn
  execution_role_arn    = aws_iam_role.execution.arn
  container_definitions = "[]"
}

resource "aws_iam_role" "machine" {
  name               = "machine"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "states.amazonaws.com" }, Action = "sts:AssumeRole", Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id } } }] })
}

resource "aws_iam_role_policy" "machine" {
  role = aws_iam_role.machine.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "ecs:RunTask", Resource = aws_ecs_task_definition.pack.arn },
      { Effect = "Allow", Action = "iam:PassRole", Resource = [aws_iam_role.task.arn], Condition = { StringEquals = { "iam:PassedToService" = "ecs-tasks.amazonaws.com" } } },
    ]
  })
}

resource "aws_sfn_state_machine" "flow" {
  name     = "flow"
  role_arn = aws_iam_role.machine.arn
  definition = jsonencode({
    StartAt = "Run"
    States = {
      Run = {
        Type     = "Task"
        Resource = "arn:aws:states:::ecs:runTask"
        Parameters = {
          Cluster        = "arn:aws:ecs:us-east-1:123456789012:cluster/main"
          TaskDefinition = aws_ecs_task_definition.pack.arn
        }
        End = true
      }
    }
  })
  logging_configuration {
    level = "OFF"
  }
}
