#!/usr/bin/env bash
# Drives a real Gatehouse server with the AWS CLI (Debian's awscli), as an operator would:
# starts `gatehouse serve` on a temporary SQLite database and a free port, creates an
# account and a root access key with the gatehouse CLI, then runs `aws iam …` and
# `aws sts …` commands against it. Exits non-zero on the first failure.
set -euo pipefail

cd "$(dirname "$0")/.."
AWS=${AWS_CLI:-aws}
command -v "$AWS" >/dev/null || { echo "aws-cli-smoke: the AWS CLI ($AWS) is not installed" >&2; exit 1; }

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
export HOST=127.0.0.1 PORT DATABASE_URL="sqlite:$WORK/gatehouse.db" SECRET_KEY="$(node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))')" LOG_LEVEL=warn
ENDPOINT="http://127.0.0.1:$PORT"
export PUBLIC_URL="$ENDPOINT"

gatehouse() { node bin/gatehouse.js "$@"; }

ACCOUNT_JSON=$(printf 'smoke test root password 1' | gatehouse account create --email "smoke-$$@example.com" --password-stdin --json)
ACCOUNT_ID=$(node -e 'console.log(JSON.parse(process.argv[1]).accountId)' "$ACCOUNT_JSON")
KEY_JSON=$(gatehouse access-key create --account "$ACCOUNT_ID" --root --json)

# Not through the shell function: $! must be the server itself, so the cleanup's SIGTERM reaches it.
# Two workers, so the commands below land on both and the graceful stop of a cluster is exercised.
node bin/gatehouse.js serve --workers 2 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fsS "$ENDPOINT/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; echo "aws-cli-smoke: the server did not start" >&2; exit 1; }
  sleep 0.1
done

export AWS_ACCESS_KEY_ID=$(node -e 'console.log(JSON.parse(process.argv[1]).AccessKeyId)' "$KEY_JSON")
export AWS_SECRET_ACCESS_KEY=$(node -e 'console.log(JSON.parse(process.argv[1]).SecretAccessKey)' "$KEY_JSON")
unset AWS_SESSION_TOKEN AWS_PROFILE
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true AWS_PAGER="" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null

aws_() { "$AWS" --endpoint-url "$ENDPOINT" --output json "$@"; }
check() {
  local what=$1 expected=$2 actual=$3
  if [[ "$actual" != "$expected" ]]; then
    echo "aws-cli-smoke: FAIL $what: expected '$expected', got '$actual'" >&2
    exit 1
  fi
  echo "ok - $what"
}
# A command that must fail, its error (the CLI writes it on stderr) naming `expected`.
refused() {
  local what=$1 expected=$2
  shift 2
  if "$@" >/dev/null 2>"$WORK/err"; then echo "aws-cli-smoke: FAIL $what: it succeeded" >&2; exit 1; fi
  grep -qF -- "$expected" "$WORK/err" || { cat "$WORK/err" >&2; echo "aws-cli-smoke: FAIL $what: no '$expected'" >&2; exit 1; }
  echo "ok - $what"
}

check "sts get-caller-identity (root)" "arn:aws:iam::$ACCOUNT_ID:root" "$(aws_ sts get-caller-identity --query Arn --output text)"
check "iam create-user" "smoke-user" "$(aws_ iam create-user --user-name smoke-user --tags Key=team,Value=ops --query User.UserName --output text)"
check "iam get-user" "/" "$(aws_ iam get-user --user-name smoke-user --query User.Path --output text)"
for i in $(seq 1 5); do aws_ iam create-user --user-name "paged-$i" >/dev/null; done
# The CLI follows Marker itself; page size 2 makes it ask four times.
check "iam list-users (paginated)" "6" "$(aws_ iam list-users --page-size 2 | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).Users.length))')"
check "iam list-user-tags" "ops" "$(aws_ iam list-user-tags --user-name smoke-user --query 'Tags[0].Value' --output text)"
aws_ iam create-login-profile --user-name smoke-user --password 'smoke user password 1' --password-reset-required >/dev/null
check "iam get-login-profile" "True" "$(aws_ iam get-login-profile --user-name smoke-user --query LoginProfile.PasswordResetRequired --output text)"

USER_KEY=$(aws_ iam create-access-key --user-name smoke-user)
USER_KEY_ID=$(node -e 'console.log(JSON.parse(process.argv[1]).AccessKey.AccessKeyId)' "$USER_KEY")
USER_SECRET=$(node -e 'console.log(JSON.parse(process.argv[1]).AccessKey.SecretAccessKey)' "$USER_KEY")
check "iam list-access-keys" "$USER_KEY_ID" "$(aws_ iam list-access-keys --user-name smoke-user --query 'AccessKeyMetadata[0].AccessKeyId' --output text)"
check "sts get-caller-identity (IAM user key)" "arn:aws:iam::$ACCOUNT_ID:user/smoke-user" \
  "$(AWS_ACCESS_KEY_ID=$USER_KEY_ID AWS_SECRET_ACCESS_KEY=$USER_SECRET aws_ sts get-caller-identity --query Arn --output text)"
check "iam get-access-key-last-used" "sts" "$(aws_ iam get-access-key-last-used --access-key-id "$USER_KEY_ID" --query AccessKeyLastUsed.ServiceName --output text)"

SESSION=$(AWS_ACCESS_KEY_ID=$USER_KEY_ID AWS_SECRET_ACCESS_KEY=$USER_SECRET aws_ sts get-session-token --duration-seconds 900)
check "sts get-caller-identity (session credentials)" "arn:aws:iam::$ACCOUNT_ID:user/smoke-user" "$(
  AWS_ACCESS_KEY_ID=$(node -e 'console.log(JSON.parse(process.argv[1]).Credentials.AccessKeyId)' "$SESSION") \
  AWS_SECRET_ACCESS_KEY=$(node -e 'console.log(JSON.parse(process.argv[1]).Credentials.SecretAccessKey)' "$SESSION") \
  AWS_SESSION_TOKEN=$(node -e 'console.log(JSON.parse(process.argv[1]).Credentials.SessionToken)' "$SESSION") \
  aws_ sts get-caller-identity --query Arn --output text)"

aws_ iam update-account-password-policy --minimum-password-length 12 --require-numbers
check "iam get-account-password-policy" "12" "$(aws_ iam get-account-password-policy --query PasswordPolicy.MinimumPasswordLength --output text)"
aws_ iam create-account-alias --account-alias "smoke-$ACCOUNT_ID"
check "iam list-account-aliases" "smoke-$ACCOUNT_ID" "$(aws_ iam list-account-aliases --query 'AccountAliases[0]' --output text)"

# The policy simulator takes condition context as the CLI writes it.
OFFICE_POLICY='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}'
check "iam simulate-custom-policy --context-entries (inside)" "allowed" "$(aws_ iam simulate-custom-policy --policy-input-list "$OFFICE_POLICY" --action-names iam:ListUsers \
  --context-entries ContextKeyName=aws:SourceIp,ContextKeyValues=203.0.113.9,ContextKeyType=ip --query 'EvaluationResults[0].EvalDecision' --output text)"
check "iam simulate-custom-policy --context-entries (outside)" "implicitDeny" "$(aws_ iam simulate-custom-policy --policy-input-list "$OFFICE_POLICY" --action-names iam:ListUsers \
  --context-entries ContextKeyName=aws:SourceIp,ContextKeyValues=198.51.100.9,ContextKeyType=ip --query 'EvaluationResults[0].EvalDecision' --output text)"

# Roles: the CLI reads the URL-encoded trust policy back as the JSON document it sent.
TRUST="{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::$ACCOUNT_ID:root\"},\"Action\":\"sts:AssumeRole\"}]}"
check "iam create-role" "arn:aws:iam::$ACCOUNT_ID:role/smoke/smoke-role" "$(aws_ iam create-role --role-name smoke-role --path /smoke/ --max-session-duration 7200 \
  --assume-role-policy-document "$TRUST" --query Role.Arn --output text)"
check "iam get-role (trust policy decoded by the CLI)" "sts:AssumeRole 7200" "$(aws_ iam get-role --role-name smoke-role \
  --query '[Role.AssumeRolePolicyDocument.Statement[0].Action, Role.MaxSessionDuration]' --output text | tr '\t' ' ')"
aws_ iam attach-role-policy --role-name smoke-role --policy-arn arn:aws:iam::aws:policy/IAMReadOnlyAccess
refused "iam delete-role refused with DeleteConflict while a policy is attached" DeleteConflict \
  aws_ iam delete-role --role-name smoke-role
aws_ iam detach-role-policy --role-name smoke-role --policy-arn arn:aws:iam::aws:policy/IAMReadOnlyAccess
aws_ iam delete-role --role-name smoke-role
check "iam list-roles after delete-role" "0" "$(aws_ iam list-roles --query 'length(Roles)' --output text)"

# Roles through CLI profiles, as ~/.aws/config writes them: role_arn + source_profile (+ external_id,
# mfa_serial). The CLI assumes the role itself; AWS_ENDPOINT_URL points its STS and IAM clients here.
# With mfa_serial it asks for the code on the terminal, or reads it from standard input when it has none.
aws_ iam create-user --user-name smoke-dev >/dev/null
aws_ iam put-user-policy --user-name smoke-dev --policy-name assume-roles \
  --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}'
DEV_KEY=$(aws_ iam create-access-key --user-name smoke-dev)
READ_USERS='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}'
ROOT_PRINCIPAL="{\"AWS\":\"arn:aws:iam::$ACCOUNT_ID:root\"}"
aws_ iam create-role --role-name smoke-partner --assume-role-policy-document \
  "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":$ROOT_PRINCIPAL,\"Action\":\"sts:AssumeRole\",\"Condition\":{\"StringEquals\":{\"sts:ExternalId\":\"smoke-external-id\"}}}]}" >/dev/null
aws_ iam put-role-policy --role-name smoke-partner --policy-name read-users --policy-document "$READ_USERS"
aws_ iam create-role --role-name smoke-mfa --assume-role-policy-document \
  "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":$ROOT_PRINCIPAL,\"Action\":\"sts:AssumeRole\",\"Condition\":{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"}}}]}" >/dev/null
aws_ iam put-role-policy --role-name smoke-mfa --policy-name read-users --policy-document "$READ_USERS"
MFA_SERIAL=$(aws_ iam create-virtual-mfa-device --virtual-mfa-device-name smoke-dev-phone \
  --outfile "$WORK/mfa-seed" --bootstrap-method Base32StringSeed --query VirtualMFADevice.SerialNumber --output text)
# The code of the current 30-second step, or of the step `$1` steps away.
totp() { node -e '
  const { HOTP, Secret } = require("otpauth");
  const step = Math.floor(Date.now() / 30000) + Number(process.argv[2]);
  console.log(HOTP.generate({ secret: Secret.fromBase32(process.argv[1]), algorithm: "SHA1", digits: 6, counter: step }));
' "$(cat "$WORK/mfa-seed")" "$1"; }
# Enabled with the two steps before this one, so the current step's code is still unused.
aws_ iam enable-mfa-device --user-name smoke-dev --serial-number "$MFA_SERIAL" \
  --authentication-code1 "$(totp -2)" --authentication-code2 "$(totp -1)"
cat >"$WORK/aws-config" <<CONFIG
[profile smoke-dev]
aws_access_key_id = $(node -e 'console.log(JSON.parse(process.argv[1]).AccessKey.AccessKeyId)' "$DEV_KEY")
aws_secret_access_key = $(node -e 'console.log(JSON.parse(process.argv[1]).AccessKey.SecretAccessKey)' "$DEV_KEY")

[profile partner]
role_arn = arn:aws:iam::$ACCOUNT_ID:role/smoke-partner
source_profile = smoke-dev
external_id = smoke-external-id
role_session_name = smoke-partner-session

[profile partner-without-external-id]
role_arn = arn:aws:iam::$ACCOUNT_ID:role/smoke-partner
source_profile = smoke-dev

[profile with-mfa]
role_arn = arn:aws:iam::$ACCOUNT_ID:role/smoke-mfa
source_profile = smoke-dev
mfa_serial = $MFA_SERIAL
role_session_name = smoke-mfa-session
CONFIG
# Only the profile's credentials: the root key's variables must not win over them. HOME holds the CLI's
# credential cache. No controlling terminal (setsid), so an MFA code is read from standard input.
profile_() {
  setsid -w env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AWS_CONFIG_FILE="$WORK/aws-config" HOME="$WORK" \
    AWS_ENDPOINT_URL="$ENDPOINT" "$AWS" --output json "$@"
}
check "aws --profile (role_arn, source_profile, external_id) sts get-caller-identity" \
  "arn:aws:sts::$ACCOUNT_ID:assumed-role/smoke-partner/smoke-partner-session" \
  "$(profile_ --profile partner sts get-caller-identity --query Arn --output text)"
check "aws --profile partner iam list-users (allowed by the role)" "True" \
  "$(profile_ --profile partner iam list-users --query 'contains(Users[].UserName, `smoke-dev`)' --output text)"
refused "aws --profile partner iam list-groups refused with AccessDenied (the role does not allow it)" AccessDenied \
  profile_ --profile partner iam list-groups
refused "a profile without external_id refused with AccessDenied" 'not authorized to perform: sts:AssumeRole' \
  profile_ --profile partner-without-external-id sts get-caller-identity
# Before the right code: the CLI caches the credentials a profile's role gave it. A code five steps
# ahead is outside the one step either way the server accepts.
totp 5 | refused "aws --profile (mfa_serial) with a wrong code on standard input refused with AccessDenied" \
  'AccessDenied) when calling the AssumeRole operation: MultiFactorAuthentication failed with invalid MFA one time pass code.' \
  profile_ --profile with-mfa sts get-caller-identity
check "aws --profile (mfa_serial, the code on standard input) sts get-caller-identity" \
  "arn:aws:sts::$ACCOUNT_ID:assumed-role/smoke-mfa/smoke-mfa-session" \
  "$(totp 0 | profile_ --profile with-mfa sts get-caller-identity --query Arn --output text 2>"$WORK/err" || cat "$WORK/err" >&2)"

# Errors come back as the CLI expects them: the code, and a non-zero exit.
refused "iam delete-user refused with DeleteConflict" DeleteConflict aws_ iam delete-user --user-name smoke-user
refused "iam get-user of an unknown user refused with NoSuchEntity" NoSuchEntity aws_ iam get-user --user-name nobody

aws_ iam delete-access-key --user-name smoke-user --access-key-id "$USER_KEY_ID"
aws_ iam delete-login-profile --user-name smoke-user
aws_ iam delete-user --user-name smoke-user
echo "ok - iam delete-access-key, delete-login-profile, delete-user"

# A graceful stop: SIGTERM to the primary ends every worker, and it exits 0.
kill -TERM "$SERVER_PID"
STATUS=0
wait "$SERVER_PID" || STATUS=$?
SERVER_PID=""
[[ "$STATUS" == 0 ]] || { cat "$WORK/server.log" >&2; echo "aws-cli-smoke: FAIL serve exited with $STATUS on SIGTERM" >&2; exit 1; }
if curl -fsS "$ENDPOINT/healthz" >/dev/null 2>&1; then echo "aws-cli-smoke: FAIL a worker still answers after the stop" >&2; exit 1; fi
echo "ok - serve --workers 2 stopped on SIGTERM, exit 0"
echo "aws-cli-smoke: all passed"
