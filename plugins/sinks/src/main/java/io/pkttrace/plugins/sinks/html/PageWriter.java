package io.pkttrace.plugins.sinks.html;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.RunStats;
import io.pkttrace.plugins.sinks.EventText;
import io.pkttrace.plugins.sinks.flow.PacketEnd;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link PageModel} as one self-contained HTML page: inline CSS and SVG, no script, no
 * external resource (a Content-Security-Policy forbids both, so even a browser bug in escaping
 * could not load or run anything). Every string that comes from an event goes through
 * {@link Html#escape}; everything else is the writer's own fixed text and numbers.
 */
final class PageWriter {
    private static final String CSS = """
            :root{--req:#2563eb;--rep:#0f9a8a;--other:#64748b;--drop:#dc2626;--accept:#16a34a;--verdict:#d97706;--ink:#0f172a;--muted:#475569}
            body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);background:#fff}
            header{padding:14px 20px 6px}
            h1{font-size:19px;margin:0 0 4px}
            p{margin:2px 0}
            .summary{color:var(--muted)}
            .notice{color:#9a3412;background:#fff7ed;border:1px solid #fdba74;border-radius:4px;padding:3px 8px;display:inline-block}
            .legend{font-size:12px;color:var(--muted);margin-top:6px}
            .legend span{margin-right:14px;white-space:nowrap}
            .legend svg{vertical-align:middle;margin-right:4px}
            .diagram{overflow:auto;max-height:calc(100vh - 150px);border-top:1px solid #cbd5e1;border-bottom:1px solid #cbd5e1}
            .diagram svg{display:block}
            svg text{font-family:"DejaVu Sans Mono","Liberation Mono",Menlo,Consolas,monospace;font-size:11px;fill:var(--ink)}
            svg.stations{position:sticky;top:0;z-index:1;background:#fff;border-bottom:1px solid #94a3b8}
            .lane-bg{fill:#f8fafc}.lane-bg.odd{fill:#eef2f7}
            .lane-edge{stroke:#cbd5e1}
            .lane-title{font-size:12px;font-weight:bold}
            .lane-sub,.note,.latency,.pdetail{font-size:10px}
            .lane-sub{fill:var(--muted)}
            .station-if{font-weight:bold}
            .station-hook{fill:var(--muted)}
            .station-hook.drop{fill:var(--drop)}
            .guide{stroke:#cbd5e1;stroke-dasharray:2 4}
            .divider{stroke:#e2e8f0}
            .pdetail{fill:var(--muted)}
            .outcome.dropped{fill:var(--drop);font-weight:bold}
            .seg{fill:none;stroke-width:1.6}
            .request .seg{stroke:var(--req)}.reply .seg{stroke:var(--rep)}.other .seg{stroke:var(--other)}
            .seg.to-drop{stroke:var(--drop)}
            .request .dot{fill:var(--req)}.reply .dot{fill:var(--rep)}.other .dot{fill:var(--other)}
            .dot{stroke:#fff;stroke-width:1.5}
            .dot.return{fill:#fff;stroke-width:2}
            .request .dot.return{stroke:var(--req)}.reply .dot.return{stroke:var(--rep)}.other .dot.return{stroke:var(--other)}
            .dot.drop{fill:var(--drop)}
            .cross{stroke:#fff;stroke-width:2}
            .dot.verdict-accept{fill:var(--accept)}.dot.verdict-drop{fill:var(--drop)}.dot.verdict-other{fill:var(--verdict)}
            .note{fill:var(--muted)}.note.drop,.note.verdict-drop{fill:var(--drop);font-weight:bold}
            .note.verdict-accept{fill:var(--accept)}.note.verdict-other{fill:var(--verdict)}
            .latency{fill:#334155}
            .pair{fill:none;stroke:var(--rep);stroke-width:1.2}
            .packet:hover .seg{stroke-width:3}
            .packet:hover .ptitle{text-decoration:underline}
            footer{padding:8px 20px 16px;font-size:12px;color:var(--muted)}
            """;

    /** Arrow heads per path colour (marker contents cannot inherit the path's stroke in every browser). */
    private static final Map<String, String> ARROW_COLOURS = new LinkedHashMap<>();

    static {
        ARROW_COLOURS.put("request", "#2563eb");
        ARROW_COLOURS.put("reply", "#0f9a8a");
        ARROW_COLOURS.put("other", "#64748b");
        ARROW_COLOURS.put("drop", "#dc2626");
    }

    private final PageModel model;
    private final Layout layout;
    private final StringBuilder out = new StringBuilder(1 << 16);
    private final long origin;

    private PageWriter(PageModel model) {
        this.model = model;
        this.layout = new Layout(model);
        long first = Long.MAX_VALUE;
        for (PageModel.Packet p : model.packets()) {
            if (!p.hops().isEmpty()) {
                first = Math.min(first, p.hops().get(0).event().timestampNs());
            }
        }
        this.origin = first == Long.MAX_VALUE ? 0 : first;
    }

    /** The whole page. {@code stats} are the run's counters, {@code writtenAt} the time shown in the footer. */
    static String render(PageModel model, RunStats stats, Instant writtenAt) {
        return new PageWriter(model).page(stats, writtenAt);
    }

    private String page(RunStats stats, Instant writtenAt) {
        PageModel.Totals t = model.totals();
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"/>\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
                .append("<meta name=\"generator\" content=\"pkttrace html sink\"/>\n")
                .append("<title>pkttrace: ").append(plural(t.packets(), "packet")).append("</title>\n")
                .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n<header>\n")
                .append("<h1>pkttrace: packet paths</h1>\n");
        summary(stats);
        legend();
        out.append("</header>\n<main>\n");
        if (model.packets().isEmpty()) {
            out.append("<p class=\"empty\" style=\"padding:0 20px\">No packets were traced.</p>\n");
        } else {
            out.append("<div class=\"diagram\">\n");
            stationsSvg();
            pathsSvg();
            out.append("</div>\n");
        }
        out.append("</main>\n<footer>");
        footer(stats, writtenAt);
        out.append("</footer>\n</body>\n</html>\n");
        return out.toString();
    }

    private void summary(RunStats stats) {
        PageModel.Totals t = model.totals();
        out.append("<p class=\"summary\">").append(plural(t.packets(), "packet"));
        if (t.drawn() < t.packets()) {
            out.append(" (").append(t.drawn()).append(" drawn)");
        }
        out.append(" · ").append(t.paired()).append(t.paired() == 1 ? " reply" : " replies").append(" paired with a request · ")
                .append(t.dropped()).append(" dropped · ").append(plural(model.lanes().size(), "namespace")).append(" · ")
                .append(plural(model.stations().size(), "station"));
        if (!model.packets().isEmpty()) {
            out.append(" · times are since the first event; hover a point for its details");
        }
        out.append("</p>\n");
        if (t.notDrawn() > 0) {
            out.append("<p class=\"notice\" id=\"cap\">Only ").append(t.drawn()).append(" of ").append(t.packets())
                    .append(" packets are drawn (max-packets=").append(t.maxPackets()).append("): ").append(t.notDrawn())
                    .append(" more were counted, not drawn. Narrow the filter or raise max-packets.</p>\n");
        }
        if (t.evicted() > 0) {
            out.append("<p class=\"notice\" id=\"evicted\">").append(plural(t.evicted(), "packet"))
                    .append(" were evicted while in flight (too many at once): their paths are incomplete.</p>\n");
        }
        if (stats != null && stats.lostInKernel() > 0) {
            out.append("<p class=\"notice\" id=\"lost\">").append(plural(stats.lostInKernel(), "event"))
                    .append(" were lost in the kernel (ring buffer full): some paths miss hops. Raise --ring-size or narrow the filter.</p>\n");
        }
    }

    private void legend() {
        out.append("<p class=\"legend\">")
                .append(legendItem("<line x1=\"1\" y1=\"6\" x2=\"21\" y2=\"6\" stroke=\"#2563eb\" stroke-width=\"2\"/>", "request"))
                .append(legendItem("<line x1=\"1\" y1=\"6\" x2=\"21\" y2=\"6\" stroke=\"#0f9a8a\" stroke-width=\"2\"/>", "reply (drawn under its request)"))
                .append(legendItem("<line x1=\"1\" y1=\"6\" x2=\"21\" y2=\"6\" stroke=\"#64748b\" stroke-width=\"2\"/>", "other packet"))
                .append(legendItem("<circle cx=\"11\" cy=\"6\" r=\"5.5\" fill=\"#dc2626\"/><path d=\"M8.5 3.5l5 5m0-5l-5 5\" stroke=\"#fff\" stroke-width=\"1.8\"/>", "drop (reason below)"))
                .append(legendItem("<rect x=\"7\" y=\"2\" width=\"8\" height=\"8\" transform=\"rotate(45 11 6)\" fill=\"#16a34a\"/>", "netfilter verdict"))
                .append(legendItem("<circle cx=\"11\" cy=\"6\" r=\"4.5\" fill=\"#fff\" stroke=\"#2563eb\" stroke-width=\"2\"/>", "function return"))
                .append("<span>+µs: time since the packet's previous hop</span></p>\n");
    }

    private static String legendItem(String shape, String text) {
        return "<span><svg width=\"22\" height=\"12\" aria-hidden=\"true\">" + shape + "</svg>" + text + "</span>";
    }

    private void stationsSvg() {
        out.append("<svg class=\"stations\" width=\"").append(layout.width).append("\" height=\"").append(Layout.HEADER_HEIGHT)
                .append("\" role=\"img\" aria-label=\"namespaces and stations\">\n");
        text(12, 20, "lane-title", false, "packet", null);
        text(12, 35, "lane-sub", false, "path across namespaces →", null);
        for (PageModel.Lane lane : model.lanes()) {
            int x = layout.laneX[lane.index()];
            int w = layout.laneWidth[lane.index()];
            out.append("<g class=\"lane\" data-netns=\"").append(lane.netns()).append("\" data-name=\"").append(Html.escape(lane.name()))
                    .append("\">");
            laneBackground(lane, Layout.HEADER_HEIGHT);
            String title = lane.title();
            text(x + w / 2, 20, "lane-title", true, Html.fit(title, layout.laneChars(lane.index(), true)), title);
            text(x + w / 2, 35, "lane-sub", true, Html.fit(lane.subtitle(), layout.laneChars(lane.index(), false)), null);
            for (PageModel.Station s : lane.stations()) {
                int sx = layout.stationX[s.column()];
                out.append("<g class=\"station\" data-column=\"").append(s.column()).append("\" data-ifname=\"")
                        .append(Html.escape(s.ifname())).append("\" data-hook=\"").append(Html.escape(s.hook())).append("\">");
                if (s.ifname() != null) {
                    text(sx, 58, "station-if", true, Html.fit(s.ifname(), layout.stationChars()), s.ifname());
                }
                String hookClass = "drop".equals(s.hook()) ? "station-hook drop" : "station-hook";
                text(sx, 74, hookClass, true, Html.fit(s.hook(), layout.stationChars()), s.hook());
                out.append("</g>");
            }
            out.append("</g>\n");
        }
        out.append("</svg>\n");
    }

    /** A lane's band, shaded in alternation, with its left edge. */
    private void laneBackground(PageModel.Lane lane, int height) {
        int x = layout.laneX[lane.index()];
        out.append("<rect class=\"lane-bg").append(lane.index() % 2 == 1 ? " odd" : "").append("\" x=\"").append(x)
                .append("\" y=\"0\" width=\"").append(layout.laneWidth[lane.index()]).append("\" height=\"").append(height).append("\"/>");
        line("lane-edge", x, 0, x, height);
    }

    private void pathsSvg() {
        int h = layout.height;
        out.append("<svg class=\"paths\" width=\"").append(layout.width).append("\" height=\"").append(h)
                .append("\" role=\"img\" aria-label=\"packet paths\">\n<defs>");
        for (String kind : ARROW_COLOURS.keySet()) {
            out.append("<marker id=\"arrow-").append(kind).append("\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">")
                    .append("<path d=\"M0 1L10 5L0 9z\" fill=\"").append(ARROW_COLOURS.get(kind)).append("\"/></marker>");
        }
        out.append("</defs>\n");
        for (PageModel.Lane lane : model.lanes()) {
            laneBackground(lane, h);
        }
        for (PageModel.Station s : model.stations()) {
            line("guide", layout.stationX[s.column()], 0, layout.stationX[s.column()], h);
        }
        out.append('\n');
        List<PageModel.Packet> packets = model.packets();
        for (int i = 0; i < packets.size(); i++) {
            packet(i, packets.get(i), i > 0 ? packets.get(i - 1) : null);
        }
        out.append("</svg>\n");
    }

    private void packet(int index, PageModel.Packet p, PageModel.Packet before) {
        String role = p.role().name().toLowerCase();
        boolean besideRequest = p.role() == PageModel.Role.REPLY && before != null && pairedWith(p, before);
        if (!besideRequest && index > 0) {
            line("divider", 0, layout.packetTop[index], layout.width, layout.packetTop[index]);
        }
        out.append("<g class=\"packet ").append(role).append("\" id=\"p").append(p.number()).append("\" data-number=\"")
                .append(p.number()).append("\" data-reply-to=\"").append(p.path().replyTo()).append("\" data-rows=\"")
                .append(p.rows()).append("\"><title>").append(Html.escape(p.title() + "\n" + p.detail() + "\nend: "
                        + p.path().end().text() + (p.outcome().isEmpty() ? "" : "\n" + p.outcome()))).append("</title>");
        int y0 = layout.rowY(index, 0);
        if (besideRequest) {
            int up = layout.rowY(index - 1, 0);
            out.append("<path class=\"pair\" d=\"M16 ").append(up + 3).append("H9V").append(y0 - 3).append("H16\"/>");
        }
        text(20, y0 - 8, "ptitle", false, Html.fit(p.title(), layout.marginChars(true)), p.title());
        text(20, y0 + 6, "pdetail", false, Html.fit(p.detail(), layout.marginChars(false)), p.detail());
        if (!p.outcome().isEmpty()) {
            String cls = p.path().end() == PacketEnd.DROPPED ? "pdetail outcome dropped" : "pdetail outcome";
            text(20, y0 + 18, cls, false, Html.fit(p.outcome(), layout.marginChars(false)), p.outcome());
        }
        List<PageModel.Hop> hops = p.hops();
        for (int h = 1; h < hops.size(); h++) {
            segment(index, hops.get(h - 1), hops.get(h), role);
        }
        for (PageModel.Hop hop : hops) {
            hop(index, hop);
        }
        out.append("</g>\n");
    }

    private static boolean pairedWith(PageModel.Packet reply, PageModel.Packet before) {
        long request = reply.path().replyTo();
        return before.number() == request || before.path().replyTo() == request;
    }

    private static final int RADIUS = 6;

    private void segment(int index, PageModel.Hop from, PageModel.Hop to, String role) {
        int x1 = layout.stationX[from.station().column()];
        int x2 = layout.stationX[to.station().column()];
        int y1 = layout.rowY(index, from.row());
        int y2 = layout.rowY(index, to.row());
        boolean drop = to.mark() == PageModel.Mark.DROP || to.mark() == PageModel.Mark.VERDICT_DROP;
        out.append("<path class=\"seg").append(drop ? " to-drop" : "").append("\" marker-end=\"url(#arrow-")
                .append(drop ? "drop" : role).append(")\" d=\"");
        String label = "+" + PageModel.duration(to.sincePreviousNs());
        if (y1 == y2) {
            int dir = Integer.signum(x2 - x1);
            out.append('M').append(x1 + dir * RADIUS).append(' ').append(y1).append('H').append(x2 - dir * (RADIUS + 1)).append("\"/>");
            text((x1 + x2) / 2, y1 - 8, "latency", true, label, null);
        } else {
            // Down to the next row: an S-curve from below the point left to above the point reached.
            int ya = y1 + RADIUS;
            int yb = y2 - RADIUS - 1;
            out.append('M').append(x1).append(' ').append(ya).append('C').append(x1).append(' ').append(ya + 24).append(' ')
                    .append(x2).append(' ').append(yb - 24).append(' ').append(x2).append(' ').append(yb).append("\"/>");
            // Its time label sits below the notes of the row it leaves, clear of the next row's labels.
            text(Math.max(x1, x2) + 8, y1 + 44, "latency turn", false, label, null);
        }
    }

    private void hop(int index, PageModel.Hop hop) {
        PacketEvent e = hop.event();
        int x = layout.stationX[hop.station().column()];
        int y = layout.rowY(index, hop.row());
        String mark = switch (hop.mark()) {
            case PLAIN -> "";
            case DROP -> "drop";
            case VERDICT_ACCEPT -> "verdict-accept";
            case VERDICT_DROP -> "verdict-drop";
            case VERDICT_OTHER -> "verdict-other";
            case RETURN -> "return";
        };
        out.append("<g class=\"hop").append(mark.isEmpty() ? "" : " " + mark).append("\" data-column=\"")
                .append(hop.station().column()).append("\" data-row=\"").append(hop.row()).append("\" data-netns=\"")
                .append(e.netnsInode()).append("\" data-ifname=\"").append(Html.escape(e.ifname())).append("\" data-hook=\"")
                .append(Html.escape(e.hook())).append("\"><title>").append(Html.escape(tooltip(hop))).append("</title>");
        switch (hop.mark()) {
            case DROP -> {
                out.append("<circle class=\"dot drop\" cx=\"").append(x).append("\" cy=\"").append(y).append("\" r=\"7\"/>");
                out.append("<path class=\"cross\" d=\"M").append(x - 3).append(' ').append(y - 3).append("l6 6m0-6l-6 6\"/>");
            }
            case VERDICT_ACCEPT, VERDICT_DROP, VERDICT_OTHER -> out.append("<rect class=\"dot ").append(mark).append("\" x=\"")
                    .append(x - 5).append("\" y=\"").append(y - 5).append("\" width=\"10\" height=\"10\" transform=\"rotate(45 ")
                    .append(x).append(' ').append(y).append(")\"/>");
            case RETURN -> out.append("<circle class=\"dot return\" cx=\"").append(x).append("\" cy=\"").append(y).append("\" r=\"5\"/>");
            case PLAIN -> out.append("<circle class=\"dot\" cx=\"").append(x).append("\" cy=\"").append(y).append("\" r=\"5\"/>");
        }
        List<String> notes = hop.notes();
        for (int i = 0; i < Math.min(notes.size(), Layout.MAX_NOTE_LINES); i++) {
            boolean last = i == Layout.MAX_NOTE_LINES - 1;
            String line = last && notes.size() > Layout.MAX_NOTE_LINES ? String.join(" ", notes.subList(i, notes.size())) : notes.get(i);
            text(x, y + 19 + i * Layout.NOTE_LINE, "note" + (mark.isEmpty() ? "" : " " + mark), true,
                    Html.fit(line, layout.noteChars()), line);
        }
        out.append("</g>");
    }

    /** The hover text of a hop: where, when, and every detail the event carries. */
    private String tooltip(PageModel.Hop hop) {
        PacketEvent e = hop.event();
        StringBuilder sb = new StringBuilder();
        sb.append(e.ifname() == null ? "no device" : e.ifname()).append(' ').append(e.hook() == null ? "-" : e.hook())
                .append(" in netns ").append(EventText.netns(e));
        sb.append("\nt = ").append(PageModel.duration(e.timestampNs() - origin));
        if (hop.sincePreviousNs() >= 0) {
            sb.append(", +").append(PageModel.duration(hop.sincePreviousNs())).append(" after the previous hop");
        }
        sb.append("\ncpu ").append(e.cpu()).append(", pid ").append(e.pid()).append(", ").append(e.length()).append(" bytes");
        if (e.probe() != null) {
            sb.append(", probe ").append(e.probe());
        }
        String info = EventText.info(e);
        if (!info.isEmpty()) {
            sb.append('\n').append(info);
        }
        return sb.toString();
    }

    private void footer(RunStats stats, Instant writtenAt) {
        out.append(plural(model.totals().events(), "event"));
        if (stats != null && stats.produced() > 0) {
            out.append("; kernel: ").append(stats.produced()).append(" produced, ").append(stats.delivered())
                    .append(" delivered, ").append(stats.lostInKernel()).append(" lost, ").append(stats.filteredInKernel())
                    .append(" filtered; ").append(stats.filteredInJava()).append(" filtered in Java");
        }
        out.append(". Written by pkttrace at ").append(writtenAt.truncatedTo(ChronoUnit.SECONDS)).append('.');
    }

    /** A text element; {@code shown} is already fitted (display form), {@code full} the tooltip when shortened. */
    private void text(int x, int y, String cssClass, boolean centred, String shown, String full) {
        out.append("<text class=\"").append(cssClass).append(centred ? "\" text-anchor=\"middle" : "").append("\" x=\"").append(x)
                .append("\" y=\"").append(y).append("\">");
        if (full != null && !Html.display(full).equals(shown)) {
            out.append("<title>").append(Html.escape(full)).append("</title>");
        }
        out.append(Html.escape(shown)).append("</text>");
    }

    private void line(String cssClass, int x1, int y1, int x2, int y2) {
        out.append("<line class=\"").append(cssClass).append("\" x1=\"").append(x1).append("\" y1=\"").append(y1)
                .append("\" x2=\"").append(x2).append("\" y2=\"").append(y2).append("\"/>");
    }

    private static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
