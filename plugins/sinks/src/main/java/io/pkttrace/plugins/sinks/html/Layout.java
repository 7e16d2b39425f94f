package io.pkttrace.plugins.sinks.html;

import java.util.List;

/**
 * Where everything of a {@link PageModel} goes, in pixels. Text is set in a monospace font, so its
 * width is known without a browser: labels are shortened to the room they have rather than
 * allowed to overlap.
 */
final class Layout {
    /** Advance of one character at 11 px and 10 px in DejaVu Sans Mono / Liberation Mono (0.6 em), rounded up. */
    static final double CHAR = 6.7;
    static final double SMALL_CHAR = 6.1;
    static final double TITLE_CHAR = 7.3;
    static final int HEADER_HEIGHT = 84;
    /**
     * Distance between the rows of one packet: room for two lines of notes under a row, the time
     * label of the turn to the next row, and the next row's time labels, none overlapping.
     */
    static final int ROW = 66;
    /** From a packet's top to its first row: the time labels above it and the packet's title. */
    static final int FIRST_ROW = 28;
    /** Below a packet's last row: its notes (12 px apart), or at least the margin's two text lines. */
    static final int NOTE_LINE = 12;
    static final int MAX_NOTE_LINES = 2;
    static final int MIN_COLUMN = 96;
    static final int MAX_COLUMN = 176;
    static final int MIN_MARGIN = 240;
    static final int MAX_MARGIN = 340;
    /** Room right of the last column for the time label of a turn there. */
    static final int RIGHT_PAD = 72;

    final int column;
    final int margin;
    final int width;
    final int height;
    final int[] laneX;
    final int[] laneWidth;
    final int[] stationX;
    final int[] packetTop;

    Layout(PageModel m) {
        double widest = 0;
        for (PageModel.Station s : m.stations()) {
            widest = Math.max(widest, Math.max(Html.width(s.ifname()), Html.width(s.hook())) * CHAR);
        }
        double text = 0;
        for (PageModel.Packet p : m.packets()) {
            text = Math.max(text, Math.max(Html.width(p.title()) * CHAR,
                    Math.max(Html.width(p.detail()), Html.width(p.outcome())) * SMALL_CHAR));
            for (PageModel.Hop h : p.hops()) {
                for (String note : h.notes()) {
                    widest = Math.max(widest, Html.width(note) * SMALL_CHAR);
                }
            }
        }
        column = clamp((int) Math.ceil(widest) + 18, MIN_COLUMN, MAX_COLUMN);
        margin = clamp((int) Math.ceil(text) + 34, MIN_MARGIN, MAX_MARGIN);

        List<PageModel.Lane> lanes = m.lanes();
        laneX = new int[lanes.size()];
        laneWidth = new int[lanes.size()];
        stationX = new int[m.stations().size()];
        int x = margin;
        for (PageModel.Lane lane : lanes) {
            int columns = lane.stations().size() * column;
            int heading = (int) Math.ceil(Math.max(Html.width(lane.title()) * TITLE_CHAR, Html.width(lane.subtitle()) * SMALL_CHAR)) + 20;
            int w = Math.max(columns, Math.min(heading, 2 * column + columns));
            laneX[lane.index()] = x;
            laneWidth[lane.index()] = w;
            int first = x + (w - columns) / 2;
            for (int i = 0; i < lane.stations().size(); i++) {
                stationX[lane.stations().get(i).column()] = first + i * column + column / 2;
            }
            x += w;
        }
        width = x + RIGHT_PAD;

        packetTop = new int[m.packets().size()];
        int y = 6;
        for (int i = 0; i < m.packets().size(); i++) {
            packetTop[i] = y;
            y += FIRST_ROW + (m.packets().get(i).rows() - 1) * ROW + bottom(m.packets().get(i));
        }
        height = y + 6;
    }

    /** Room below a packet's last row: its notes, or the margin's detail and outcome lines. */
    private static int bottom(PageModel.Packet p) {
        int lines = 0;
        for (PageModel.Hop h : p.hops()) {
            if (h.row() == p.rows() - 1) {
                lines = Math.max(lines, Math.min(MAX_NOTE_LINES, h.notes().size()));
            }
        }
        return Math.max(26, 18 + lines * NOTE_LINE);
    }

    /** y of row {@code row} of packet number {@code index} in drawing order. */
    int rowY(int index, int row) {
        return packetTop[index] + FIRST_ROW + row * ROW;
    }

    /** Characters of station label that fit in a column. */
    int stationChars() {
        return (int) ((column - 10) / CHAR);
    }

    /** Characters of a hop's note (10 px) that fit in a column. */
    int noteChars() {
        return (int) ((column - 8) / SMALL_CHAR);
    }

    /** Characters of lane heading that fit in a lane. */
    int laneChars(int lane, boolean title) {
        return (int) ((laneWidth[lane] - 12) / (title ? TITLE_CHAR : SMALL_CHAR));
    }

    /** Characters of a packet's title (11 px) or detail line (10 px) that fit in the margin. */
    int marginChars(boolean title) {
        return (int) ((margin - 34) / (title ? CHAR : SMALL_CHAR));
    }

    private static int clamp(int v, int min, int max) {
        return Math.max(min, Math.min(max, v));
    }
}
