// Package deploy holds no code: it ships the files that run cbsim load on
// more than one machine, and tests their shard index handling.
//
//   - k8s/load-job.yaml: a Kubernetes Indexed Job; pod i of n runs
//     `cbsim load --shard $(JOB_COMPLETION_INDEX)/n`, which Kubernetes
//     expands to i/n from the pod's completion index.
//   - ci/github-actions-load.yml: a GitHub Actions workflow whose matrix
//     runs `--shard ${{ matrix.shard }}/n` on n runners, uploads each
//     report, and a merge job that runs `cbsim load merge` on them.
//
// The tests parse both files and check that every shard 0/n..n-1/n runs
// exactly once, that n agrees everywhere it is written, and that the
// reports reach the merge. README.md says how to use them.
package deploy
