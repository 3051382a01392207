#!/usr/bin/env bash
# The GPU path, on a Debian 12 machine with an NVIDIA GPU, as root:
#   1. installs what it needs besides scripts/install-deps.sh: Debian's CUDA
#      toolkit (11.8, with nvJPEG; from the contrib and non-free components,
#      which this script enables for itself);
#   2. builds with -DLANCONF_CUDA=ON into build-gpu/ (Release);
#   3. runs the GPU back-ends' tests (cuda-jpeg against TurboJPEG; the
#      encoder list; H.264) and says which back-ends run and why not;
#   4. prints the encoders' speed at 1080p side by side: cuda-jpeg, nvenc
#      (where the GPU has NVENC: the data-centre H100, H200 and A100 have
#      none) and turbojpeg, with the GPU's speed as a multiple of the CPU's.
# The default build and CI need none of this.
set -euo pipefail
cd "$(dirname "$0")/.."

frames="${GPU_CHECK_FRAMES:-300}"

if [ ! -e /dev/nvidiactl ] && [ ! -e /dev/nvidia0 ]; then
  echo "gpu-check: this machine shows no NVIDIA GPU (/dev/nvidia0 is missing); nothing to check" >&2
  exit 1
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version --format=csv,noheader

bash scripts/install-deps.sh

if ! dpkg-query -W -f='${Status}' nvidia-cuda-toolkit 2>/dev/null | grep -q "install ok installed"; then
  # The source written below is Debian 12's: on another system the toolkit
  # is installed by hand (the build needs nvcc, cuda_runtime_api.h, nvjpeg.h).
  . /etc/os-release
  if [ "${ID:-}" != debian ] || [ "${VERSION_CODENAME:-}" != bookworm ]; then
    echo "gpu-check: this is ${PRETTY_NAME:-an unknown system}, not Debian 12: install the CUDA" \
         "toolkit (with nvJPEG) yourself, then run this again" >&2
    exit 1
  fi
  list=/etc/apt/sources.list.d/lanconf-gpu.list
  if [ ! -e "$list" ]; then
    echo "gpu-check: enabling Debian's contrib and non-free components in $list"
    echo "deb http://deb.debian.org/debian bookworm main contrib non-free non-free-firmware" >"$list"
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -q && apt-get install -y -q --no-install-recommends nvidia-cuda-toolkit; }; then
    echo "gpu-check: cannot install nvidia-cuda-toolkit (no package mirror reachable?);" \
         "the cuda-jpeg back-end cannot be built here" >&2
    exit 1
  fi
fi

cmake -S . -B build-gpu -DLANCONF_CUDA=ON -DCMAKE_BUILD_TYPE=Release
cmake --build build-gpu -j"$(nproc)"

echo "== tests: cuda-jpeg against TurboJPEG, the encoder list, H.264"
ctest --test-dir build-gpu -R '^media-(cuda-jpeg|h264|codec)$' --output-on-failure
build-gpu/bin/test-media-cuda-jpeg --verbose 2>&1 | grep -E '^(ok|not ok|# (1920|cuda|encoder))' | head -20

echo "== the back-ends here"
build-gpu/bin/lanconf-bench encoders

echo "== speed at 1920x1080, $frames pictures each"
build-gpu/bin/lanconf-bench encoders --speed --size 1920x1080 --frames "$frames"
