resource "aws_sfn_state_machine" "flow" {
  name     = "flow"
  role_arn = aws_iam_role.flow.arn
  definition = jsonencode({
    StartAt = "A"
    States = {
      A = { Type = "Pass", End = true }
  })
}
