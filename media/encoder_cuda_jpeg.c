/* The GPU JPEG back-end: nvJPEG on a CUDA device, for GPUs without NVENC
 * (the data-centre H100, H200, A100). Built only with -DLANCONF_CUDA=ON and
 * the CUDA toolkit (scripts/gpu-check.sh); its JPEG frames are baseline
 * 4:2:0, the same as TurboJPEG's, so every viewer decodes them alike.
 *
 * One encode: the three I420 planes are copied to pitched device buffers
 * (kept between frames of one size), nvJPEG encodes them on the encoder's
 * own CUDA stream, and the bitstream comes back to the host. */
#include "media/encoder.h"

#include <cuda_runtime_api.h>
#include <nvjpeg.h>

typedef struct {
    LcEncoder parent;
    nvjpegHandle_t handle;
    nvjpegEncoderState_t state;
    nvjpegEncoderParams_t params;
    cudaStream_t stream;
    void *planes[3]; /* device memory, pitch[] bytes a row */
    size_t pitch[3];
    gint width;
    gint height;
} EncoderCudaJpeg;

/* Sets error from an nvJPEG status; FALSE unless it is success. */
static gboolean encoder_cuda_check_nvjpeg(nvjpegStatus_t status, const char *what, GError **error)
{
    if (status == NVJPEG_STATUS_SUCCESS)
        return TRUE;
    g_set_error(error, ENCODER_ERROR, ENCODER_ERROR_FAILED, "nvJPEG %s failed (status %d)", what,
                (int)status);
    return FALSE;
}

/* Sets error from a CUDA runtime status; FALSE unless it is success. */
static gboolean encoder_cuda_check(cudaError_t status, const char *what, GError **error)
{
    if (status == cudaSuccess)
        return TRUE;
    g_set_error(error, ENCODER_ERROR, ENCODER_ERROR_FAILED, "CUDA %s failed: %s", what,
                cudaGetErrorString(status));
    return FALSE;
}

/* Frees the device planes. */
static void encoder_cuda_free_planes(EncoderCudaJpeg *self)
{
    for (guint p = 0; p < 3; p++) {
        if (self->planes[p] != NULL)
            cudaFree(self->planes[p]);
        self->planes[p] = NULL;
    }
    self->width = self->height = 0;
}

/* Makes the device planes for pictures of width x height. */
static gboolean encoder_cuda_alloc_planes(EncoderCudaJpeg *self, gint width, gint height,
                                          GError **error)
{
    encoder_cuda_free_planes(self);
    for (guint p = 0; p < 3; p++) {
        size_t bytes = (size_t)raw_frame_plane_width(width, p);
        size_t rows = (size_t)raw_frame_plane_height(height, p);
        if (!encoder_cuda_check(cudaMallocPitch(&self->planes[p], &self->pitch[p], bytes, rows),
                                "cudaMallocPitch", error)) {
            encoder_cuda_free_planes(self);
            return FALSE;
        }
    }
    self->width = width;
    self->height = height;
    return TRUE;
}

/* Encodes one I420 frame on the GPU. */
static LcFrame *encoder_cuda_encode(LcEncoder *encoder, const LcRawFrame *frame, GError **error)
{
    EncoderCudaJpeg *self = (EncoderCudaJpeg *)encoder;
    if ((frame->width != self->width || frame->height != self->height) &&
        !encoder_cuda_alloc_planes(self, frame->width, frame->height, error))
        return NULL;
    nvjpegImage_t image = {{NULL}, {0}};
    for (guint p = 0; p < 3; p++) {
        size_t bytes = (size_t)raw_frame_plane_width(frame->width, p);
        size_t rows = (size_t)raw_frame_plane_height(frame->height, p);
        if (!encoder_cuda_check(cudaMemcpy2DAsync(self->planes[p], self->pitch[p], frame->planes[p],
                                                  (size_t)frame->strides[p], bytes, rows,
                                                  cudaMemcpyHostToDevice, self->stream),
                                "copy to the device", error))
            return NULL;
        image.channel[p] = self->planes[p];
        image.pitch[p] = self->pitch[p];
    }
    size_t length = 0;
    if (!encoder_cuda_check_nvjpeg(nvjpegEncodeYUV(self->handle, self->state, self->params, &image,
                                                   NVJPEG_CSS_420, frame->width, frame->height,
                                                   self->stream),
                                   "encode", error) ||
        !encoder_cuda_check_nvjpeg(
            nvjpegEncodeRetrieveBitstream(self->handle, self->state, NULL, &length, self->stream),
            "bitstream size", error) ||
        !encoder_cuda_check(cudaStreamSynchronize(self->stream), "encode", error))
        return NULL;
    guint8 *jpeg = g_malloc(length);
    if (!encoder_cuda_check_nvjpeg(
            nvjpegEncodeRetrieveBitstream(self->handle, self->state, jpeg, &length, self->stream),
            "bitstream", error) ||
        !encoder_cuda_check(cudaStreamSynchronize(self->stream), "bitstream copy", error)) {
        g_free(jpeg);
        return NULL;
    }
    g_autoptr(GBytes) bytes = g_bytes_new_take(jpeg, length);
    LcFrame *encoded = frame_new(bytes, LC_CODEC_JPEG);
    encoded->width = frame->width;
    encoded->height = frame->height;
    encoded->meta.flags |= LC_FRAME_FLAG_KEY;
    return encoded;
}

/* Frees the device memory, the nvJPEG objects and the stream. */
static void encoder_cuda_free(LcEncoder *encoder)
{
    EncoderCudaJpeg *self = (EncoderCudaJpeg *)encoder;
    encoder_cuda_free_planes(self);
    if (self->params != NULL)
        nvjpegEncoderParamsDestroy(self->params);
    if (self->state != NULL)
        nvjpegEncoderStateDestroy(self->state);
    if (self->handle != NULL)
        nvjpegDestroy(self->handle);
    if (self->stream != NULL)
        cudaStreamDestroy(self->stream);
    g_free(self);
}

static const LcEncoderOps encoder_cuda_ops = {
    .name = "cuda-jpeg",
    .codec = LC_CODEC_JPEG,
    .encode = encoder_cuda_encode,
    .request_keyframe = NULL,
    .free = encoder_cuda_free,
};

/* Creates the nvJPEG encoder on the first CUDA device; fails with the
 * reason where there is none. */
LcEncoder *encoder_cuda_jpeg_new(gint quality, GError **error)
{
    int devices = 0;
    cudaError_t status = cudaGetDeviceCount(&devices);
    if (status != cudaSuccess || devices == 0) {
        g_set_error(error, ENCODER_ERROR, ENCODER_ERROR_UNAVAILABLE, "no CUDA device: %s",
                    status != cudaSuccess ? cudaGetErrorString(status) : "none found");
        return NULL;
    }
    EncoderCudaJpeg *self = g_new0(EncoderCudaJpeg, 1);
    self->parent.ops = &encoder_cuda_ops;
    self->parent.quality = quality;
    GError *local = NULL;
    if (!encoder_cuda_check(cudaStreamCreate(&self->stream), "stream", &local) ||
        !encoder_cuda_check_nvjpeg(nvjpegCreateSimple(&self->handle), "start", &local) ||
        !encoder_cuda_check_nvjpeg(
            nvjpegEncoderStateCreate(self->handle, &self->state, self->stream), "state", &local) ||
        !encoder_cuda_check_nvjpeg(
            nvjpegEncoderParamsCreate(self->handle, &self->params, self->stream), "parameters",
            &local) ||
        !encoder_cuda_check_nvjpeg(
            nvjpegEncoderParamsSetQuality(self->params, quality, self->stream), "quality",
            &local) ||
        !encoder_cuda_check_nvjpeg(
            nvjpegEncoderParamsSetSamplingFactors(self->params, NVJPEG_CSS_420, self->stream),
            "4:2:0 sampling", &local)) {
        local->code = ENCODER_ERROR_UNAVAILABLE;
        g_propagate_error(error, local);
        encoder_cuda_free(&self->parent);
        return NULL;
    }
    return &self->parent;
}
