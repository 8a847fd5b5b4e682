#!/bin/bash
# Default HyperPod (EKS) lifecycle script shipped by hyperpod-cdk.
#
# HyperPod itself joins the node to the EKS cluster; this script only prepares the host:
#   - logs everything to /var/log/provision/provisioning.log (HyperPod uploads it to
#     CloudWatch Logs, log group /aws/sagemaker/Clusters/<cluster>/<cluster-id>);
#   - when the secondary EBS volume is mounted at /opt/sagemaker, moves containerd's data
#     root there, so images and container layers do not fill the root volume;
#   - on any failure, waits so the log reaches CloudWatch, then exits non-zero (HyperPod
#     then reports "Lifecycle scripts did not run successfully" and retries the node).
set -euo pipefail

LOG_DIR=/var/log/provision
LOG_FILE="${LOG_DIR}/provisioning.log"
SECONDARY_MOUNT=/opt/sagemaker
# How long to wait after a failure so the log is uploaded; override for tests.
FAILURE_LOG_WAIT_SECONDS="${FAILURE_LOG_WAIT_SECONDS:-60}"

mkdir -p "${LOG_DIR}"
exec > >(tee -a "${LOG_FILE}") 2>&1

log() {
  echo "[$(date -u +%Y-%m-%dT%H:%M:%SZ)] $*"
}

on_error() {
  local status=$?
  log "on_create.sh failed with status ${status} at line ${1:-?}; waiting ${FAILURE_LOG_WAIT_SECONDS}s so this log reaches CloudWatch"
  sleep "${FAILURE_LOG_WAIT_SECONDS}"
  exit "${status}"
}
trap 'on_error ${LINENO}' ERR

# Points containerd's data root at the secondary volume in whichever config file exists
# (Amazon Linux 2 uses the first, AL2023 the second).
move_containerd_root() {
  local data_root="${SECONDARY_MOUNT}/containerd/data-root"
  local config
  for config in /etc/eks/containerd/containerd-config.toml /etc/containerd/config.toml; do
    if [[ -f "${config}" ]]; then
      mkdir -p "${data_root}"
      if grep -qE '^[[:space:]]*root[[:space:]]*=' "${config}"; then
        sed -i -E "s|^[[:space:]]*root[[:space:]]*=.*|root = \"${data_root}\"|" "${config}"
      else
        sed -i "1i root = \"${data_root}\"" "${config}"
      fi
      log "containerd data root set to ${data_root} in ${config}"
      if systemctl is-active --quiet containerd; then
        systemctl restart containerd
        log "containerd restarted"
      fi
      return 0
    fi
  done
  log "no containerd config found; data root left unchanged"
}

log "hyperpod-cdk default on_create.sh: start"
if mountpoint -q "${SECONDARY_MOUNT}"; then
  log "secondary volume mounted at ${SECONDARY_MOUNT}"
  move_containerd_root
else
  log "no secondary volume at ${SECONDARY_MOUNT}; containerd keeps its data on the root volume"
fi
log "hyperpod-cdk default on_create.sh: done"
