/* ddl-frame-source-video.c: frame-exact random access into a video file.
 *
 * On open, every packet of the video stream is demuxed (not decoded) and its
 * presentation timestamp, byte position and key flag recorded; sorted by
 * timestamp, these are the frames, so the frame count never relies on the
 * container's nb_frames. When timestamps are missing or repeat (raw streams, some
 * MPEG-PS), the file is decoded once and the decoder's best-effort timestamps are
 * used; when even those are unusable, frames are numbered in output order from
 * the start (random access then decodes from the top: correct, but slow).
 *
 * Reading frame i: if the decoder stands just before it (sequential reads), decode
 * forward without seeking. Otherwise seek to the keyframe at or before i
 * (AVSEEK_FLAG_BACKWARD) and decode forward to the frame whose best-effort
 * timestamp is i's. Output right after a seek is not trusted until the decoder
 * produces a keyframe (frames decoded without their references come out as
 * garbage, with B-frames even under other frames' timestamps). Safeguards for
 * demuxers that seek badly, each falling back to something slower but sure:
 *   - the decoder comes out past i (the seek landed late): retry from the
 *     keyframe before, then from the start, then reopen the file;
 *   - the seek target is flagged key but decodes as a P-frame (an avi without its
 *     index flags every packet key): from then on only frames the decoder called
 *     keyframes are seek targets;
 *   - the first packet after a seek is not at the byte position the index holds
 *     for its timestamp, or a seek never lands on a keyframe the decoder has seen
 *     (MPEG-TS with B-frames): every later seek reopens the file.
 *
 * Damaged files: empty, flagged-corrupt and discarded packets are not frames; a
 * read error stops the index there, so a file cut mid-way opens with the frames
 * stored before the cut. If the cut also removed B-frames shown before the last
 * stored frame, the frames after the first gap at the end are dropped too, so no
 * frame takes a lost one's number. A frame that still cannot be decoded gives
 * DDL_FRAME_SOURCE_ERROR_DECODE naming the file and the frame. */
#include "ddl-frame-source-private.h"

#include <stdlib.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

/* Forward decoding beats seeking when the target is this close. */
#define DDL_FORWARD_WINDOW 16

/* seek_to() targets besides timestamps: the start of the file by seeking (which
 * some demuxers, MPEG-TS/PS for one, do only roughly) and by reopening it. */
#define SEEK_START  G_MININT64
#define SEEK_REOPEN (G_MININT64 + 1)

struct _DdlVideoDecoder {
  char            *path;
  AVFormatContext *fmt;
  AVCodecContext  *dec;
  int              stream;
  AVPacket        *pkt;
  AVFrame         *frame;
  gint64          *pts;       /* [n_frames] sorted presentation timestamps */
  guint8          *key;       /* [n_frames] KEY_* */
  gint64          *pos;       /* [n_frames] byte position of its packet, -1 unknown
                               * (NULL when indexed by decoding) */
  guint            n_frames;
  gboolean         by_count;  /* timestamps unusable: frames counted from the start */
  guint            width, height;
  double           fps;
  /* Decoder position: `last` is the index of the frame in `frame` (-1: none);
   * decoding forward continues from it unless `positioned` is FALSE. */
  gint             last;
  gboolean         positioned;
  gboolean         draining;
  /* After a seek, the first packet's byte position is checked against the index:
   * demuxers that lost track (an avi without its index, say) give timestamps
   * that would name the wrong frames. Then every seek restarts from the top. */
  gboolean         check_position;
  gboolean         seek_broken;
  /* A seek onto a packet flagged key gave a frame the decoder calls not a
   * keyframe (an avi without its index flags every packet key): from then on only
   * keyframes seen by the decoder are seek targets. */
  gboolean         keys_unreliable;
  /* After a seek (not after reopening the file) output is trusted from the first
   * keyframe on, and only frames from that one's index on. */
  gboolean         await_key;
  gint             first_trusted;
  guint            n_seeks;
  char            *note;      /* last read/decode problem, for error messages */
};

enum {
  KEY_NO,
  KEY_FLAGGED,    /* the container says so */
  KEY_DECODED,    /* the decoder said so */
};

typedef struct {
  gint64 ts;
  gint64 pos;
  guint8 key;
} IndexEntry;

static int
compare_entries (const void *a, const void *b)
{
  gint64 x = ((const IndexEntry *) a)->ts, y = ((const IndexEntry *) b)->ts;
  return (x > y) - (x < y);
}

static gboolean
is_keyframe (const AVFrame *frame)
{
  return frame->key_frame || frame->pict_type == AV_PICTURE_TYPE_I;
}

static void
set_note (DdlVideoDecoder *d, const char *what, int code)
{
  char buf[AV_ERROR_MAX_STRING_SIZE];
  gint64 pos = d->fmt->pb != NULL ? avio_tell (d->fmt->pb) : -1;

  av_strerror (code, buf, sizeof buf);
  g_free (d->note);
  d->note = g_strdup_printf ("%s near byte %" G_GINT64_FORMAT ": %s", what, pos, buf);
}

/* Sorts the collected entries; FALSE if a timestamp is missing or repeats. */
static gboolean
finish_index (DdlVideoDecoder *d, GArray *entries)
{
  IndexEntry *e = (IndexEntry *) entries->data;

  qsort (e, entries->len, sizeof *e, compare_entries);
  for (guint i = 0; i < entries->len; i++)
    if (e[i].ts == AV_NOPTS_VALUE || (i > 0 && e[i].ts == e[i - 1].ts))
      return FALSE;
  d->n_frames = entries->len;
  d->pts = g_new (gint64, MAX (1, d->n_frames));
  d->key = g_new (guint8, MAX (1, d->n_frames));
  d->pos = g_new (gint64, MAX (1, d->n_frames));
  for (guint i = 0; i < d->n_frames; i++)
    d->pts[i] = e[i].ts, d->key[i] = e[i].key, d->pos[i] = e[i].pos;
  return TRUE;
}

/* Index from demuxed packets only (fast: nothing is decoded). `damaged` is set
 * when a read failed or a packet came flagged corrupt. */
static gboolean
index_packets (DdlVideoDecoder *d, GArray *entries, gboolean *damaged)
{
  int ret;

  while ((ret = av_read_frame (d->fmt, d->pkt)) >= 0)
    {
      AVPacket *p = d->pkt;
      if (p->stream_index == d->stream && (p->flags & AV_PKT_FLAG_CORRUPT))
        *damaged = TRUE;
      if (p->stream_index == d->stream && p->size > 0
          && !(p->flags & (AV_PKT_FLAG_CORRUPT | AV_PKT_FLAG_DISCARD)))
        {
          IndexEntry e = { p->pts != AV_NOPTS_VALUE ? p->pts : p->dts, p->pos,
                           (p->flags & AV_PKT_FLAG_KEY) ? KEY_FLAGGED : KEY_NO };
          g_array_append_val (entries, e);
        }
      av_packet_unref (p);
    }
  if (ret != AVERROR_EOF)
    {
      set_note (d, "read error", ret);
      *damaged = TRUE;
    }
  return finish_index (d, entries);
}

static int
compare_int64 (const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

/* A file cut short loses the frames stored after the cut; with B-frames, frames
 * shown before the last stored one can be among them, which would number a later
 * frame in a lost one's place. When the file looks cut (damaged, or its frames end
 * well before the duration its header announces), drop the last frames from the
 * first gap among them (a step over 1.5 frame durations). */
static void
trim_cut_tail (DdlVideoDecoder *d, gboolean damaged)
{
  AVStream *st = d->fmt->streams[d->stream];
  g_autofree gint64 *steps = NULL;
  gint64 step, announced_end = AV_NOPTS_VALUE;
  guint n = d->n_frames;

  if (n < 3 || d->by_count)
    return;
  steps = g_new (gint64, n - 1);
  for (guint i = 1; i < n; i++)
    steps[i - 1] = d->pts[i] - d->pts[i - 1];
  qsort (steps, n - 1, sizeof *steps, compare_int64);
  step = steps[(n - 1) / 2];
  if (st->duration != AV_NOPTS_VALUE && st->duration > 0)
    announced_end = (st->start_time != AV_NOPTS_VALUE ? st->start_time : 0) + st->duration;
  else if (d->fmt->duration != AV_NOPTS_VALUE && d->fmt->duration > 0)
    announced_end = av_rescale_q (d->fmt->duration + (d->fmt->start_time != AV_NOPTS_VALUE
                                                      ? d->fmt->start_time : 0),
                                  AV_TIME_BASE_Q, st->time_base);
  if (!damaged && (announced_end == AV_NOPTS_VALUE || d->pts[n - 1] + 3 * step >= announced_end))
    return;
  for (guint i = n > 8 ? n - 8 : 1; i < n; i++)
    if (2 * (d->pts[i] - d->pts[i - 1]) > 3 * step)
      {
        g_debug ("%s: looks cut short; keeping %u of %u frames", d->path, i, n);
        d->n_frames = i;
        return;
      }
}

static gboolean seek_to (DdlVideoDecoder *d, gint64 ts);
static int      next_frame (DdlVideoDecoder *d);
static gint     lookup (DdlVideoDecoder *d, gint64 ts);

/* Index from one full decode (timestamps missing from packets); with `count_only`
 * frames are just counted. */
static gboolean
index_decoded (DdlVideoDecoder *d, GArray *entries, gboolean count_only)
{
  g_array_set_size (entries, 0);
  if (!seek_to (d, SEEK_REOPEN))
    return FALSE;
  while (next_frame (d) == 0)
    {
      IndexEntry e = { count_only ? (gint64) entries->len : d->frame->best_effort_timestamp,
                       -1, is_keyframe (d->frame) ? KEY_DECODED : KEY_NO };
      g_array_append_val (entries, e);
    }
  d->positioned = FALSE;
  return finish_index (d, entries);
}

DdlVideoDecoder *
_ddl_video_decoder_open (const char *path, GError **error)
{
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (IndexEntry));
  DdlVideoDecoder *d = g_new0 (DdlVideoDecoder, 1);
  char buf[AV_ERROR_MAX_STRING_SIZE];
  const AVCodec *codec = NULL;
  AVStream *st;
  gboolean damaged = FALSE;
  int ret;

  _ddl_av_init ();
  d->path = g_strdup (path);
  d->last = -1;
  d->pkt = av_packet_alloc ();
  d->frame = av_frame_alloc ();

  if ((ret = avformat_open_input (&d->fmt, path, NULL, NULL)) < 0
      || (ret = avformat_find_stream_info (d->fmt, NULL)) < 0)
    {
      av_strerror (ret, buf, sizeof buf);
      g_set_error (error, DDL_FRAME_SOURCE_ERROR, DDL_FRAME_SOURCE_ERROR_OPEN,
                   "%s: not a readable video file (%s)", path, buf);
      goto fail;
    }
  ret = av_find_best_stream (d->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (ret < 0)
    {
      const AVCodecParameters *par = NULL;
      for (guint i = 0; i < d->fmt->nb_streams && par == NULL; i++)
        if (d->fmt->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_VIDEO)
          par = d->fmt->streams[i]->codecpar;
      if (par == NULL)
        g_set_error (error, DDL_FRAME_SOURCE_ERROR, DDL_FRAME_SOURCE_ERROR_OPEN,
                     "%s: the file has no video stream", path);
      else if (par->codec_id == AV_CODEC_ID_NONE)
        g_set_error (error, DDL_FRAME_SOURCE_ERROR, DDL_FRAME_SOURCE_ERROR_OPEN,
                     "%s: the video stream's codec is unknown (a truncated or corrupt file?)",
                     path);
      else
        g_set_error (error, DDL_FRAME_SOURCE_ERROR, DDL_FRAME_SOURCE_ERROR_OPEN,
                     "%s: this FFmpeg cannot decode its %s video", path,
                     avcodec_get_name (par->codec_id));
      goto fail;
    }
  d->stream = ret;
  st = d->fmt->streams[d->stream];
  for (guint i = 0; i < d->fmt->nb_streams; i++)
    if ((int) i != d->stream)
      d->fmt->streams[i]->discard = AVDISCARD_ALL;

  d->dec = avcodec_alloc_context3 (codec);
  avcodec_parameters_to_context (d->dec, st->codecpar);
  /* One thread: frames come out as soon as their packet went in, which keeps
   * seeking and timestamp matching simple; our frames are small. */
  d->dec->thread_count = 1;
  d->dec->pkt_timebase = st->time_base;
  if ((ret = avcodec_open2 (d->dec, codec, NULL)) < 0)
    {
      av_strerror (ret, buf, sizeof buf);
      g_set_error (error, DDL_FRAME_SOURCE_ERROR, DDL_FRAME_SOURCE_ERROR_OPEN,
                   "%s: cannot open the %s decoder (%s)", path, codec->name, buf);
      goto fail;
    }
  d->width = st->codecpar->width;
  d->height = st->codecpar->height;
  {
    AVRational rate = av_guess_frame_rate (d->fmt, st, NULL);
    d->fps = rate.num > 0 && rate.den > 0 ? av_q2d (rate) : 25.0;
  }

  if (index_packets (d, entries, &damaged))
    trim_cut_tail (d, damaged);
  else
    {
      g_debug ("%s: packet timestamps unusable, decoding once to index", path);
      g_clear_pointer (&d->pts, g_free);
      g_clear_pointer (&d->key, g_free);
      g_clear_pointer (&d->pos, g_free);
      if (index_decoded (d, entries, FALSE))
        g_clear_pointer (&d->pos, g_free);   /* positions unknown: no checks */
      else
        {
          g_clear_pointer (&d->pts, g_free);
          g_clear_pointer (&d->key, g_free);
          d->by_count = TRUE;
          index_decoded (d, entries, TRUE);
          g_clear_pointer (&d->pos, g_free);
        }
    }
  if (d->n_frames == 0)
    {
      g_set_error (error, DDL_FRAME_SOURCE_ERROR, DDL_FRAME_SOURCE_ERROR_DECODE,
                   "%s: no video frames could be read%s%s%s", path, d->note ? " (" : "",
                   d->note ? d->note : "", d->note ? ")" : "");
      goto fail;
    }
  /* The first frame must decode, and gives the real size when the stream
   * header had none. */
  {
    const AVFrame *first = _ddl_video_decoder_read (d, 0, error);
    if (first == NULL)
      goto fail;
    if (d->width == 0 || d->height == 0)
      d->width = first->width, d->height = first->height;
  }
  return d;

fail:
  _ddl_video_decoder_free (d);
  return NULL;
}

void
_ddl_video_decoder_free (DdlVideoDecoder *d)
{
  if (d == NULL)
    return;
  avcodec_free_context (&d->dec);
  avformat_close_input (&d->fmt);
  av_packet_free (&d->pkt);
  av_frame_free (&d->frame);
  g_free (d->pts);
  g_free (d->key);
  g_free (d->pos);
  g_free (d->note);
  g_free (d->path);
  g_free (d);
}

guint  _ddl_video_decoder_get_n_frames (DdlVideoDecoder *d) { return d->n_frames; }
guint  _ddl_video_decoder_get_width (DdlVideoDecoder *d) { return d->width; }
guint  _ddl_video_decoder_get_height (DdlVideoDecoder *d) { return d->height; }
double _ddl_video_decoder_get_fps (DdlVideoDecoder *d) { return d->fps; }
guint  _ddl_video_decoder_get_n_seeks (DdlVideoDecoder *d) { return d->n_seeks; }

/* Opens (or reopens) the file's demuxer and keeps only our stream. */
static int
open_demuxer (DdlVideoDecoder *d)
{
  int ret;

  avformat_close_input (&d->fmt);
  if ((ret = avformat_open_input (&d->fmt, d->path, NULL, NULL)) < 0
      || (ret = avformat_find_stream_info (d->fmt, NULL)) < 0)
    return ret;
  for (guint i = 0; i < d->fmt->nb_streams; i++)
    if ((int) i != d->stream)
      d->fmt->streams[i]->discard = AVDISCARD_ALL;
  return 0;
}

/* Seeks to the keyframe at or before `ts` (stream time base) or to the start.
 * Resets the decoder. */
static gboolean
seek_to (DdlVideoDecoder *d, gint64 ts)
{
  gboolean reopened = FALSE;
  int ret = -1;

  d->n_seeks++;
  d->check_position = FALSE;
  if (ts == SEEK_START && (d->seek_broken || d->by_count || d->pts == NULL))
    ts = SEEK_REOPEN;
  if (ts != SEEK_REOPEN)
    {
      ret = av_seek_frame (d->fmt, d->stream, ts == SEEK_START ? d->pts[0] : ts,
                           AVSEEK_FLAG_BACKWARD);
      d->check_position = ret >= 0 && d->pos != NULL;
    }
  if (ret < 0 && (ts == SEEK_START || ts == SEEK_REOPEN))
    {
      ret = open_demuxer (d);
      reopened = TRUE;
    }
  avcodec_flush_buffers (d->dec);
  d->await_key = !reopened && ret >= 0;
  d->first_trusted = 0;
  d->draining = FALSE;
  d->last = -1;
  d->positioned = ret >= 0;
  if (ret < 0)
    set_note (d, "seek failed", ret);
  return ret >= 0;
}

/* The next decoded frame into d->frame: 0, AVERROR_EOF at the end, or an error. */
static int
next_frame (DdlVideoDecoder *d)
{
  for (;;)
    {
      int ret = avcodec_receive_frame (d->dec, d->frame);
      if (ret == 0 || ret == AVERROR_EOF)
        return ret;
      if (ret != AVERROR (EAGAIN))
        {
          set_note (d, "decoding failed", ret);
          if (ret == AVERROR_INVALIDDATA)
            continue;   /* this frame is lost; the decoder goes on */
          return ret;
        }
      if (d->draining)
        return AVERROR_EOF;
      /* Feed the next packet of our stream. */
      for (;;)
        {
          ret = av_read_frame (d->fmt, d->pkt);
          if (ret < 0)
            {
              if (ret != AVERROR_EOF)
                set_note (d, "read error", ret);
              avcodec_send_packet (d->dec, NULL);
              d->draining = TRUE;
              break;
            }
          if (d->pkt->stream_index != d->stream || d->pkt->size == 0)
            {
              av_packet_unref (d->pkt);
              continue;
            }
          if (d->check_position && !(d->pkt->flags & (AV_PKT_FLAG_CORRUPT | AV_PKT_FLAG_DISCARD)))
            {
              AVPacket *p = d->pkt;
              gint i = lookup (d, p->pts != AV_NOPTS_VALUE ? p->pts : p->dts);
              d->check_position = FALSE;
              if (i < 0 || (p->pos >= 0 && d->pos[i] >= 0 && p->pos != d->pos[i]))
                {
                  g_debug ("%s: seeking gives wrong timestamps; seeks restart from the top",
                           d->path);
                  d->seek_broken = TRUE;
                  d->draining = TRUE;   /* nothing more from this position */
                  av_packet_unref (p);
                  return AVERROR (ESPIPE);
                }
            }
          ret = avcodec_send_packet (d->dec, d->pkt);
          if (ret < 0 && ret != AVERROR (EAGAIN))
            set_note (d, "corrupt packet", ret);
          av_packet_unref (d->pkt);
          break;
        }
    }
}

/* Index of a decoded frame's timestamp, or -1 when it is not one of ours. */
static gint
lookup (DdlVideoDecoder *d, gint64 ts)
{
  guint lo = 0, hi = d->n_frames;

  if (ts == AV_NOPTS_VALUE)
    return -1;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (d->pts[mid] < ts)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo < d->n_frames && d->pts[lo] == ts ? (gint) lo : -1;
}

/* Decodes forward until frame `index`: 1 found, 0 passed it or reached the end,
 * -1 when the seek target `seek_kf` (-1: none) turned out not to be a keyframe. */
static int
decode_forward (DdlVideoDecoder *d, guint index, gint seek_kf)
{
  while (next_frame (d) == 0)
    {
      gint i;
      if (d->by_count)
        i = d->last + 1;
      else
        {
          i = lookup (d, d->frame->best_effort_timestamp);
          /* A frame without any timestamp right after a known one. */
          if (i < 0 && d->frame->best_effort_timestamp == AV_NOPTS_VALUE && d->last >= 0)
            i = d->last + 1;
        }
      if (i < 0)
        continue;
      if (d->await_key)
        {
          /* Until the first keyframe after a seek, frames may miss their
           * references: garbage, sometimes under another frame's timestamp. */
          if (!is_keyframe (d->frame))
            {
              if (i == seek_kf)
                {
                  /* The container's key flag was wrong, or (when the decoder once
                   * called this frame a keyframe) the demuxer seeks imprecisely. */
                  g_debug ("%s: a seek to frame %d gave no keyframe%s", d->path, i,
                           d->key[i] == KEY_DECODED ? "; seeks restart from the top" : "");
                  if (d->key[i] == KEY_DECODED)
                    d->seek_broken = TRUE;
                  d->key[i] = KEY_NO;
                  d->keys_unreliable = TRUE;
                  d->positioned = FALSE;
                  return -1;
                }
              continue;
            }
          d->await_key = FALSE;
          d->first_trusted = i;
        }
      /* Leading frames of an open GOP, shown before the keyframe we started at. */
      if (i < d->first_trusted)
        continue;
      if (!d->by_count && is_keyframe (d->frame))
        d->key[i] = KEY_DECODED;
      d->last = i;
      if ((guint) i == index)
        return 1;
      if ((guint) i > index)
        return 0;
    }
  d->positioned = FALSE;
  return 0;
}

/* Keyframe at or before `index` (0 when none is known). */
static guint
keyframe_before (DdlVideoDecoder *d, guint index)
{
  guint8 needed = d->keys_unreliable ? KEY_DECODED : KEY_FLAGGED;
  while (index > 0 && d->key[index] < needed)
    index--;
  return index;
}

static gboolean
can_decode_forward (DdlVideoDecoder *d, guint index)
{
  if (!d->positioned || d->last < 0 || (guint) d->last >= index)
    return FALSE;
  if (d->by_count || index - (guint) d->last <= DDL_FORWARD_WINDOW)
    return TRUE;
  /* No keyframe in between: a seek would land before `last` anyway. */
  return keyframe_before (d, index) <= (guint) d->last;
}

const AVFrame *
_ddl_video_decoder_read (DdlVideoDecoder *d, guint index, GError **error)
{
  enum { BY_KEYFRAME, BY_START, BY_REOPEN } how;
  guint kf;

  g_return_val_if_fail (d != NULL, NULL);
  if (index >= d->n_frames)
    {
      g_set_error (error, DDL_FRAME_SOURCE_ERROR, DDL_FRAME_SOURCE_ERROR_RANGE,
                   "%s: frame %u is out of range (the video has %u frames)", d->path, index,
                   d->n_frames);
      return NULL;
    }
  if (d->positioned && d->last == (gint) index && d->frame->buf[0] != NULL)
    return d->frame;
  if (can_decode_forward (d, index) && decode_forward (d, index, -1) == 1)
    return d->frame;

  /* Seek to the keyframe before, then to earlier ones, then to the start, finally
   * reopen the file. */
  kf = d->by_count ? 0 : keyframe_before (d, index);
  how = d->by_count || d->seek_broken ? BY_REOPEN : kf > 0 ? BY_KEYFRAME : BY_START;
  for (guint tries = 0;; tries++)
    {
      gint64 target = how == BY_KEYFRAME ? d->pts[kf] : how == BY_START ? SEEK_START : SEEK_REOPEN;
      int found = 0;
      if (seek_to (d, target))
        found = decode_forward (d, index, how == BY_KEYFRAME ? (gint) kf : -1);
      if (found == 1)
        return d->frame;
      if (how == BY_REOPEN)
        break;
      if (how == BY_START || d->seek_broken)
        how = BY_REOPEN;
      else
        {
          /* Past the frame (the seek landed late) or not a keyframe: start earlier. */
          kf = keyframe_before (d, found < 0 ? kf : kf - 1);
          if (kf == 0 || tries >= 2)
            how = BY_START;
        }
    }
  d->positioned = FALSE;
  g_set_error (error, DDL_FRAME_SOURCE_ERROR, DDL_FRAME_SOURCE_ERROR_DECODE,
               "%s: frame %u of %u cannot be decoded%s%s%s", d->path, index, d->n_frames,
               d->note != NULL ? " (" : "", d->note != NULL ? d->note : "",
               d->note != NULL ? ")" : "");
  return NULL;
}
