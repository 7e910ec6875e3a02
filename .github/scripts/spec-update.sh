#!/usr/bin/env bash
# The scheduled spec update (.github/workflows/spec-update.yml); runs anywhere with git, jq and
# the GitHub CLI. Asks `cargo xtask check-spec` whether the pin's sources have a newer Stripe
# spec. If one does, bumps to it, commits the bump on branch spec-update/<API version>,
# force-pushes that branch and opens a pull request whose description is the change report
# (breaking changes first), or updates the one already open for the branch: one pull request
# per API version, however many runs and revisions of that version's spec there are.
#
# Exit status: 0 when the pin is up to date or the pull request is open and current. Anything
# else is to be looked at (a source that could not be asked, a spec the generator refuses, a
# push or gh that failed), so a scheduled run goes red instead of quietly doing nothing.
#
# Environment (all optional; tests set them):
#   XTASK   how to run xtask (default `cargo xtask`)
#   GH      the GitHub CLI (default `gh`, which reads GH_TOKEN)
#   REMOTE  where the branch is pushed (default origin)
#   REFRESH what brings the files that follow generated/ up to date after the bump (default:
#           Cargo.lock, whose entries for the crates whose versions moved change, and the
#           snapshots of the generated files that `cargo test` compares; tests set `true`)
set -euo pipefail

root=$(git rev-parse --show-toplevel)
cd "$root"
read -r -a xtask <<< "${XTASK:-cargo xtask}"
gh=${GH:-gh}
remote=${REMOTE:-origin}
# The trailer that marks this script's commits, so that it never overwrites anyone else's.
marker="Generated-by: .github/scripts/spec-update.sh"

fail() {
  # `::error::` makes an annotation on GitHub; elsewhere it is just a line on stderr.
  echo "::error::spec-update: $*" >&2
  exit 1
}

base=$(git symbolic-ref --quiet --short HEAD) || fail "HEAD is detached; check out the branch the pull request should go into"
if [ -n "$(git status --porcelain -- spec generated)" ]; then
  fail "spec/ or generated/ has uncommitted changes; commit or stash them first"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

status=0
"${xtask[@]}" check-spec --json "$work/check.json" --root "$root" || status=$?
case $status in
  0) echo "spec-update: the pin is up to date; nothing to do"; exit 0 ;;
  10) ;;
  *) fail "cargo xtask check-spec failed (exit $status): a source of the pin could not be asked; its error is above" ;;
esac

field() { jq -er "$1" "$work/check.json" || fail "check-spec's JSON has no $1"; }
version=$(field .newer.api_version)
sha=$(field .newer.sha256)
from=$(field .newer.from)
command=$(field .newer.command)
mapfile -t bump_args < <(field '.newer.bump_args[]')
[[ $version =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || fail "API version \`$version\` cannot name a branch"
[ "${#bump_args[@]}" -gt 0 ] || fail "check-spec gave no arguments for the bump"
branch="spec-update/$version"

: > "$work/report.md"
"${xtask[@]}" bump-spec "${bump_args[@]}" --report "$work/report.md" --root "$root" \
  || fail "cargo xtask bump-spec could not move the pin to $from (API version $version); its error is above"
if [ -n "${REFRESH:-}" ]; then
  bash -c "$REFRESH" || fail "refreshing after the bump failed: $REFRESH"
else
  cargo metadata --format-version 1 > /dev/null || fail "cargo metadata could not update Cargo.lock"
  INSTA_UPDATE=always cargo test --quiet -p tests --test suite codegen::every_generated_file_matches_its_snapshot \
    || fail "the snapshots of the generated files could not be refreshed"
fi
git add --all -- spec/manifest.json generated
for refreshed in Cargo.lock tests/tests/suite/snapshots; do
  if [ -e "$refreshed" ]; then git add --all -- "$refreshed"; fi
done
if git diff --cached --quiet; then
  echo "spec-update: the bump changed no tracked file; nothing to do"
  exit 0
fi

# Commit on a fresh branch from the base, so the pull request is one commit on top of it.
git switch --quiet --force-create "$branch"
if ! git config user.email > /dev/null; then
  export GIT_AUTHOR_NAME="github-actions[bot]" GIT_COMMITTER_NAME="github-actions[bot]"
  export GIT_AUTHOR_EMAIL="41898282+github-actions[bot]@users.noreply.github.com"
  export GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
fi
git commit --quiet --file - <<MSG
Bump the Stripe spec to API version $version (sha256 ${sha:0:12})

$from has a newer spec than the pin, found by the scheduled spec update
(cargo xtask check-spec); this commit is \`$command\` run on $base.
The pull request's description is its change report.

$marker
MSG
git switch --quiet "$base"

# Push unless the branch already holds exactly this; never overwrite commits made by someone else.
push=true
if git ls-remote --exit-code --heads "$remote" "$branch" > /dev/null; then
  # A shallow checkout (the workflow's) needs only the tip.
  depth=()
  if [ "$(git rev-parse --is-shallow-repository)" = true ]; then depth=(--depth=1); fi
  git fetch --quiet ${depth[@]+"${depth[@]}"} "$remote" "+refs/heads/$branch:refs/spec-update/remote"
  if ! git log -1 --format=%B refs/spec-update/remote | grep -qxF "$marker"; then
    fail "branch $branch on $remote has commits this script did not make; merge or delete it, then run again"
  fi
  if [ "$(git rev-parse "refs/spec-update/remote^{tree}")" = "$(git rev-parse "$branch^{tree}")" ]; then
    push=false
    echo "spec-update: $branch on $remote already holds this bump"
  fi
  git update-ref -d refs/spec-update/remote
fi
if $push; then
  git push --quiet --force "$remote" "refs/heads/$branch:refs/heads/$branch"
fi

# The description: the change report (breaking changes first), within GitHub's size limit.
limit=60000
{
  if [ "$(wc -c < "$work/report.md")" -gt "$limit" ]; then
    head -c "$limit" "$work/report.md"
    printf '\n\n(The report is longer than a description can be; all of it is in the run summary.)\n'
  else
    cat "$work/report.md"
  fi
  printf '\n---\nThe spec of %s: API version %s, sha256 `%s`. This pull request is `%s` on %s, made by the scheduled spec update (.github/workflows/spec-update.yml).\n' \
    "$from" "$version" "$sha" "$command" "$base"
} > "$work/body.md"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$work/report.md" >> "$GITHUB_STEP_SUMMARY"
fi

title="Stripe spec: API version $version (sha256 ${sha:0:12})"
number=$("$gh" pr list --head "$branch" --base "$base" --state open --json number | jq -r '.[0].number // empty')
if [ -n "$number" ]; then
  "$gh" pr edit "$number" --title "$title" --body-file "$work/body.md"
  echo "spec-update: updated pull request #$number ($branch)"
else
  "$gh" pr create --base "$base" --head "$branch" --title "$title" --body-file "$work/body.md"
  echo "spec-update: opened a pull request for $branch"
fi
