// Video through FFmpeg's libavformat: the container, its streams and every
// packet. Frames are not decoded: the streams' parameters are in the
// container, and reading the packets is enough to find a file cut short.
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/pixdesc.h>
}

#include <array>
#include <cmath>
#include <cstdarg>
#include <memory>
#include <mutex>
#include <string>

#include "assets/internal/readers.h"
#include "assets/internal/units.h"
#include "core/text.h"

namespace livesop::assets::internal {
namespace {

// FFmpeg's messages of error level or worse on this thread since the last
// TakeMessages: they say why a file failed ("moov atom not found"). FFmpeg
// logs on the thread that calls it, since nothing here decodes with
// threads.
thread_local std::string ffmpeg_messages;

void CollectLog(void* context, int level, const char* format, va_list args) {
  if (level > AV_LOG_ERROR) return;
  std::array<char, 1024> line{};
  int print_prefix = 0;
  va_list copy;
  va_copy(copy, args);
  av_log_format_line2(context, level, format, copy, line.data(),
                      static_cast<int>(line.size()), &print_prefix);
  va_end(copy);
  std::string text = OneLine(line.data());
  if (text.empty() || ffmpeg_messages.size() > 4096) return;
  if (!ffmpeg_messages.empty()) ffmpeg_messages += "; ";
  ffmpeg_messages += text;
}

// FFmpeg prints to stderr unless given a callback; this one collects.
void StartFfmpeg() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_callback(CollectLog); });
}

std::string TakeMessages() {
  std::string out;
  out.swap(ffmpeg_messages);
  return out;
}

std::string ErrorText(int code) {
  std::array<char, AV_ERROR_MAX_STRING_SIZE> buffer{};
  av_strerror(code, buffer.data(), buffer.size());
  std::string out = buffer.data();
  std::string logged = TakeMessages();
  return logged.empty() ? out : out + ": " + logged;
}

Status Damaged(const std::string& path, const std::string& reason) {
  return InvalidArgumentError(
      path + ": cannot be read as a video (" + reason +
      "); the file is damaged or cut short: export or upload it again");
}

struct CloseInput {
  void operator()(AVFormatContext* context) const {
    avformat_close_input(&context);
  }
};

struct FreePacket {
  void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};

// Degrees clockwise a player turns the picture, from the stream's display
// matrix; 0 when it has none.
int RotationOf(const AVStream* stream) {
  const uint8_t* matrix = nullptr;
#if LIBAVFORMAT_VERSION_INT >= AV_VERSION_INT(60, 15, 100)
  const AVPacketSideData* side = av_packet_side_data_get(
      stream->codecpar->coded_side_data, stream->codecpar->nb_coded_side_data,
      AV_PKT_DATA_DISPLAYMATRIX);
  if (side != nullptr && side->size >= 9 * sizeof(int32_t)) {
    matrix = side->data;
  }
#else
  size_t size = 0;
  matrix = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
  if (size < 9 * sizeof(int32_t)) matrix = nullptr;
#endif
  if (matrix == nullptr) return 0;
  // av_display_rotation_get gives degrees counter-clockwise.
  const double degrees =
      -av_display_rotation_get(reinterpret_cast<const int32_t*>(matrix));
  if (std::isnan(degrees)) return 0;
  int rounded = static_cast<int>(std::lround(degrees / 90.0)) * 90 % 360;
  return rounded < 0 ? rounded + 360 : rounded;
}

}  // namespace

Result<VideoInfo> ReadVideo(const std::string& path,
                            std::vector<std::string>* warnings) {
  StartFfmpeg();
  TakeMessages();
  AVFormatContext* raw = nullptr;
  int rc = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (rc < 0) return Damaged(path, ErrorText(rc));
  std::unique_ptr<AVFormatContext, CloseInput> input(raw);
  rc = avformat_find_stream_info(input.get(), nullptr);
  if (rc < 0) return Damaged(path, ErrorText(rc));

  const int video =
      av_find_best_stream(input.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (video < 0) {
    return InvalidArgumentError(path +
                                ": holds no video stream; export it as a "
                                "video with picture");
  }
  const int audio = av_find_best_stream(input.get(), AVMEDIA_TYPE_AUDIO, -1,
                                        video, nullptr, 0);
  const AVStream* stream = input->streams[video];
  const AVCodecParameters* params = stream->codecpar;

  VideoInfo info;
  info.container = input->iformat->name;
  info.video_codec = avcodec_get_name(params->codec_id);
  if (audio >= 0) {
    info.audio_codec =
        avcodec_get_name(input->streams[audio]->codecpar->codec_id);
  }
  info.rotation = RotationOf(stream);
  info.width = params->width;
  info.height = params->height;
  if (info.rotation == 90 || info.rotation == 270) {
    std::swap(info.width, info.height);
  }
  info.aspect_ratio = AspectRatioText(info.width, info.height);
  AVRational rate = stream->avg_frame_rate;
  if (rate.num <= 0 || rate.den <= 0) rate = stream->r_frame_rate;
  if (rate.num > 0 && rate.den > 0) info.frame_rate = av_q2d(rate);
  if (input->duration != AV_NOPTS_VALUE && input->duration > 0) {
    info.duration_seconds = static_cast<double>(input->duration) / AV_TIME_BASE;
  } else if (stream->duration != AV_NOPTS_VALUE && stream->duration > 0) {
    info.duration_seconds =
        static_cast<double>(stream->duration) * av_q2d(stream->time_base);
  }
  const char* primaries = av_color_primaries_name(params->color_primaries);
  info.color_primaries = primaries != nullptr ? primaries : "unknown";
  if (info.color_primaries == "unspecified") info.color_primaries = "unknown";

  // Every packet: a file cut short ends in a partial packet or an error.
  std::unique_ptr<AVPacket, FreePacket> packet(av_packet_alloc());
  if (packet == nullptr) return InternalError("FFmpeg is out of memory");
  int64_t video_packets = 0;
  bool corrupt = false;
  while ((rc = av_read_frame(input.get(), packet.get())) >= 0) {
    if (packet->stream_index == video) ++video_packets;
    if ((packet->flags & AV_PKT_FLAG_CORRUPT) != 0) corrupt = true;
    av_packet_unref(packet.get());
  }
  if (rc != AVERROR_EOF) return Damaged(path, ErrorText(rc));
  if (corrupt) {
    std::string logged = TakeMessages();
    return Damaged(path, logged.empty() ? "a frame is incomplete" : logged);
  }
  if (video_packets == 0) return Damaged(path, "the video has no frames");
  std::string logged = TakeMessages();
  if (!logged.empty()) warnings->push_back("FFmpeg: " + logged);
  return info;
}

}  // namespace livesop::assets::internal
