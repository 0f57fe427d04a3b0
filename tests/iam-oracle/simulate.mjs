// Reads a JSON array of cases on stdin and prints one decision per case
// ("Allowed", "ExplicitlyDenied", "ImplicitlyDenied" or "error: ...") as a
// JSON array. Each case is either an identity request
//   {"policies": [policy...], "action", "resource", "context": {key: value}}
// or a trust-policy request
//   {"trust": policy, "principal": "states.amazonaws.com", "role": arn, "context": {...}}
import { runSimulation } from '@cloud-copilot/iam-simulate'

const ROLE_ACCOUNT = '123456789012'
const ROLE = `arn:aws:iam::${ROLE_ACCOUNT}:role/StepFunctionsRole`

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const cases = JSON.parse(Buffer.concat(chunks).toString('utf8'))

const out = []
for (const c of cases) {
  const simulation = c.trust
    ? {
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: c.trust,
        request: {
          action: 'sts:AssumeRole',
          principal: c.principal,
          resource: { accountId: ROLE_ACCOUNT, resource: c.role ?? ROLE },
          contextVariables: c.context ?? {},
        },
      }
    : {
        identityPolicies: c.policies.map((policy, i) => ({ name: `p${i}`, policy })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        request: {
          action: c.action,
          principal: ROLE,
          resource: { accountId: ROLE_ACCOUNT, resource: c.resource },
          contextVariables: c.context ?? {},
        },
      }
  try {
    const result = await runSimulation(simulation, {})
    out.push(result.resultType === 'error' ? `error: ${JSON.stringify(result.errors)}` : result.overallResult)
  } catch (e) {
    out.push(`error: ${e.message}`)
  }
}
process.stdout.write(JSON.stringify(out))
