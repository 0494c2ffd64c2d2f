package io.jenkins.plugins.selftest.engine.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the page tests measure in a rendered page and its screenshot, so that the renderers carry no test hooks:
 * where the trend charts are (a script the test adds to the page writes that into the DOM) and which colours a
 * part of a screenshot shows.
 */
public final class PageProbe {

    /**
     * A script for the end of a page's body, after the renderers: once the page's own {@code DOMContentLoaded} work
     * ran (listeners fire in the order they were added), it writes the page coordinates of every trend chart
     * ({@code .st-chart}) into the body's {@code data-chart-rects} as {@code x,y,w,h;...}.
     */
    public static final String CHART_RECTS_SCRIPT = """
            (function () {
              function measure() {
                var rects = Array.prototype.map.call(document.querySelectorAll('.st-chart'), function (div) {
                  var b = div.getBoundingClientRect();
                  return [Math.round(b.left + window.scrollX), Math.round(b.top + window.scrollY), Math.round(b.width),
                    Math.round(b.height)].join(',');
                });
                document.body.setAttribute('data-chart-rects', rects.join(';'));
              }
              if (document.readyState === 'loading') {
                document.addEventListener('DOMContentLoaded', measure);
              } else {
                measure();
              }
            })();
            """;

    private static final Pattern CHART_RECTS = Pattern.compile("data-chart-rects=\"([^\"]*)\"");

    private PageProbe() {
    }

    /** {@code html} with {@link #CHART_RECTS_SCRIPT} inlined at the end of its body. */
    public static String withChartRects(String html) {
        int end = html.lastIndexOf("</body>");
        assertThat(end).as("the page's </body>").isNotNegative();
        return html.substring(0, end) + "<script>\n" + CHART_RECTS_SCRIPT + "</script>\n" + html.substring(end);
    }

    /** The rectangles {@link #CHART_RECTS_SCRIPT} wrote into {@code dom}: {x, y, width, height} per chart. */
    public static List<int[]> chartRects(String dom) {
        Matcher m = CHART_RECTS.matcher(dom);
        assertThat(m.find()).as("chart rectangles measured in the page").isTrue();
        List<int[]> rects = new ArrayList<>();
        for (String r : m.group(1).split(";")) {
            rects.add(Arrays.stream(r.split(",")).mapToInt(Integer::parseInt).toArray());
        }
        return rects;
    }

    /** The mean of red, green and blue, 0-255. */
    public static int brightness(int rgb) {
        return (((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff)) / 3;
    }

    /** Whether a pixel of {@code img} inside {@code rect} ({x, y, width, height}) is within 24 per channel of {@code rgb}. */
    public static boolean hasColourNear(BufferedImage img, int[] rect, int rgb) {
        for (int y = rect[1]; y < Math.min(img.getHeight(), rect[1] + rect[3]); y++) {
            for (int x = rect[0]; x < Math.min(img.getWidth(), rect[0] + rect[2]); x++) {
                int c = img.getRGB(x, y);
                if (Math.abs(((c >> 16) & 0xff) - ((rgb >> 16) & 0xff)) < 24 && Math.abs(((c >> 8) & 0xff) - ((rgb >> 8) & 0xff)) < 24
                        && Math.abs((c & 0xff) - (rgb & 0xff)) < 24) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * What a chart drew in {@code rect} of {@code img}: the share of pixels that differ from the one just inside its
     * top-left corner (its background), and how many colours there are.
     */
    public static Drawn drawn(BufferedImage img, int[] rect) {
        int background = img.getRGB(rect[0] + 1, rect[1] + 1) & 0xffffff;
        long differing = 0;
        Set<Integer> colours = new HashSet<>();
        for (int y = rect[1]; y < rect[1] + rect[3]; y++) {
            for (int x = rect[0]; x < rect[0] + rect[2]; x++) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                if (rgb != background) {
                    differing++;
                }
                colours.add(rgb);
            }
        }
        return new Drawn((double) differing / ((long) rect[2] * rect[3]), colours.size());
    }

    /** See {@link #drawn}. */
    public record Drawn(double share, int colours) {
    }
}
