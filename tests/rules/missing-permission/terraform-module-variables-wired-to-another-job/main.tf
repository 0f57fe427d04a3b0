resource "aws_glue_job" "etl" {
  name     = "nightly-etl"
  role_arn = "arn:aws:iam::123456789012:role/glue"
  command {
    script_location = "s3://scripts/etl.py"
  }
}

resource "aws_glue_job" "report" {
  name     = "weekly-report"
  role_arn = "arn:aws:iam::123456789012:role/glue"
  command {
    script_location = "s3://scripts/report.py"
  }
}

module "flow" {
  source        = "./modules/flow"
  glue_job_name = aws_glue_job.etl.name
  glue_job_arn  = aws_glue_job.report.arn
}
