/*
 * supervised-selftest renderers: trend charts (ECharts) and the summary of one run, as plain browser code.
 * Shared by the CLI's self-contained report page and the Jenkins plugin's pages.
 *
 * Input is the engine's JSON: TrendSeries (runIds, startedAt, passed, failed, skipped, lineCoverage,
 * instructionCoverage, branchCoverage, runtimeSeconds, complete) and RunDetails (record, tests, coverage, orphans).
 * Every text that comes from a build is put into the page with textContent, never as HTML.
 *
 *   SelfTestUI.renderTrends(element, trend, options)   -> number of charts drawn (3, or 0 without ECharts or runs)
 *       options (all optional): labels (x-axis label per run), links (URL per run: a click on a run's bar or point,
 *       or anywhere in its column, opens it), navigate (function (url), default location.assign)
 *   SelfTestUI.renderSummary(element, details, links, options)
 *       options (all optional): previous (the previous run's record, for the coverage change), compact (cards and
 *       links only), heading, baseUrl (prefix of relative link targets), detailsUrl (a "details" link)
 *   SelfTestUI.renderServices(element, services, options)   -> services = SupervisedServicesAction rows
 *       (name, state, restarts, lastExit, readyMillis, uptimeMillis, log); options.baseUrl prefixes the log link
 *   SelfTestUI.renderPage(element, data)      -> data = {title, generatedAt, trend, last, links}
 *   SelfTestUI.boot(root)   renders every element under root that carries data-selftest-view (build-summary,
 *       build, trends, services) from its data-selftest JSON attribute; data-base-url and data-root-url give the
 *       link prefixes. This is how the Jenkins pages (thin Jelly shells, no inline script) are drawn.
 * After renderPage or boot of a trends view, the page's <body> (renderPage) or the view element (boot) carries
 * data-charts-rendered="<n>", the number of charts drawn.
 */
(function (global) {
  'use strict';

  function el(tag, props, children) {
    var node = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (k) {
        if (k === 'text') {
          node.textContent = props[k];
        } else if (k === 'className') {
          node.className = props[k];
        } else {
          node.setAttribute(k, props[k]);
        }
      });
    }
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) {
        node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
      }
    });
    return node;
  }

  function ratio(counter) {
    var total = counter ? counter.covered + counter.missed : 0;
    return total ? counter.covered / total : null;
  }

  function percent(r) {
    return r === null || r === undefined ? 'n/a' : (Math.round(r * 1000) / 10).toFixed(1) + ' %';
  }

  function seconds(s) {
    if (s === null || s === undefined) {
      return 'n/a';
    }
    if (s < 60) {
      return s.toFixed(s < 10 ? 2 : 1) + ' s';
    }
    var m = Math.floor(s / 60);
    return m + ' min ' + Math.round(s - m * 60) + ' s';
  }

  function colors(element) {
    var style = global.getComputedStyle(element);
    function v(name, fallback) {
      var value = style.getPropertyValue(name).trim();
      return value || fallback;
    }
    return {
      fg: v('--st-fg', '#1f2328'), panel: v('--st-panel', '#f6f8fa'), muted: v('--st-muted', '#656d76'), border: v('--st-border', '#d0d7de'),
      pass: v('--st-pass', '#2da44e'), fail: v('--st-fail', '#cf222e'), skip: v('--st-skip', '#9a6700'),
      accent: v('--st-accent', '#0969da'), accent2: v('--st-accent2', '#8250df'), accent3: v('--st-accent3', '#bf8700')
    };
  }

  function shortTime(iso) {
    // "2026-01-01T06:00:00Z" -> "01-01 06:00"
    return typeof iso === 'string' && iso.length >= 16 ? iso.substring(5, 10) + ' ' + iso.substring(11, 16) : String(iso);
  }

  function baseOption(trend, c, yName, yFormatter, yMax, labels) {
    return {
      animation: false,
      backgroundColor: 'transparent',
      textStyle: { color: c.fg },
      // room above the plot for the legend (top) and, under it, the y axis's name: at 36 the two overlapped
      grid: { left: 56, right: 16, top: 58, bottom: 48 },
      legend: { top: 0, textStyle: { color: c.fg } },
      tooltip: { trigger: 'axis', confine: true, backgroundColor: c.panel, borderColor: c.border,
        textStyle: { color: c.fg } },
      xAxis: {
        type: 'category',
        data: labels || trend.startedAt.map(shortTime),
        axisLabel: { color: c.muted, hideOverlap: true },
        axisLine: { lineStyle: { color: c.border } }
      },
      yAxis: {
        type: 'value', name: yName, max: yMax, nameTextStyle: { color: c.muted },
        axisLabel: { color: c.muted, formatter: yFormatter },
        splitLine: { lineStyle: { color: c.border, opacity: 0.6 } }
      },
      dataZoom: trend.runIds.length > 60 ? [{ type: 'inside', start: 0, end: 100 }] : []
    };
  }

  function testsOption(trend, c, labels) {
    var o = baseOption(trend, c, 'tests', '{value}', undefined, labels);
    function bar(name, data, color) {
      return { name: name, type: 'bar', stack: 'tests', data: data, itemStyle: { color: color }, barCategoryGap: '15%' };
    }
    o.series = [bar('passed', trend.passed, c.pass), bar('failed', trend.failed, c.fail), bar('skipped', trend.skipped, c.skip)];
    return o;
  }

  function coverageOption(trend, c, labels) {
    var o = baseOption(trend, c, '%', '{value} %', 100, labels);
    o.yAxis.min = 0;
    function line(name, data, color) {
      return { name: name, type: 'line', data: data, connectNulls: false, showSymbol: trend.runIds.length <= 60,
        lineStyle: { color: color, width: 2 }, itemStyle: { color: color } };
    }
    o.series = [line('line', trend.lineCoverage, c.accent), line('instruction', trend.instructionCoverage, c.accent2),
      line('branch', trend.branchCoverage, c.accent3)];
    return o;
  }

  function runtimeOption(trend, c, labels) {
    var o = baseOption(trend, c, 'seconds', '{value} s', undefined, labels);
    o.series = [{
      name: 'runtime', type: 'bar',
      data: trend.runtimeSeconds.map(function (s, i) {
        // partial or aborted runs are drawn in the skip colour
        return { value: s, itemStyle: { color: trend.complete[i] ? c.accent : c.skip } };
      })
    }];
    return o;
  }

  var CHARTS = [
    { key: 'tests', title: 'Tests per run: passed / failed / skipped', option: testsOption },
    { key: 'coverage', title: 'Coverage', option: coverageOption },
    { key: 'runtime', title: 'Runtime (partial runs highlighted)', option: runtimeOption }
  ];

  function validLabels(labels, trend) {
    return labels && labels.length === trend.runIds.length ? labels.map(String) : null;
  }

  // A click on a bar or point opens its run; a click elsewhere in the plot opens the run of that column.
  function linkPoints(chart, div, links, navigate) {
    function open(index) {
      var url = typeof index === 'number' && index >= 0 && index < links.length ? links[index] : null;
      if (url) {
        navigate(url);
      }
    }
    var handled = false;
    chart.on('click', function (params) {
      handled = true;
      open(params.dataIndex);
    });
    chart.getZr().on('click', function (event) {
      if (handled) {
        handled = false;
        return;
      }
      if (!chart.containPixel('grid', [event.offsetX, event.offsetY])) {
        return;
      }
      var point = chart.convertFromPixel({ xAxisIndex: 0, yAxisIndex: 0 }, [event.offsetX, event.offsetY]);
      open(point && Math.round(point[0]));
    });
    div.style.cursor = 'pointer';
    div.setAttribute('data-links', String(links.length));
  }

  function renderTrends(element, trend, options) {
    options = options || {};
    element.textContent = '';
    if (!trend || !trend.runIds || trend.runIds.length === 0) {
      element.appendChild(el('p', { className: 'st-muted', text: 'No runs recorded yet.' }));
      return 0;
    }
    if (!global.echarts) {
      element.appendChild(el('p', { className: 'st-bad', text: 'ECharts is not loaded: trend charts unavailable.' }));
      return 0;
    }
    var labels = validLabels(options.labels, trend);
    var links = options.links && options.links.length === trend.runIds.length ? options.links : null;
    var navigate = options.navigate || function (url) { global.location.assign(url); };
    var grid = el('div', { className: 'st-charts' });
    element.appendChild(grid);
    var c = colors(element);
    var drawn = 0;
    // every box first: the grid's auto-fit columns only settle once all charts are in, and ECharts takes the
    // container's size at init
    var divs = CHARTS.map(function (spec) {
      var div = el('div', { className: 'st-chart', 'data-chart': spec.key });
      grid.appendChild(el('div', { className: 'st-chart-box' }, [el('h3', { text: spec.title }), div]));
      return div;
    });
    CHARTS.forEach(function (spec, i) {
      var div = divs[i];
      var chart = global.echarts.init(div, null, { renderer: 'svg' });
      chart.setOption(spec.option(trend, c, labels));
      if (links) {
        linkPoints(chart, div, links, navigate);
      }
      global.addEventListener('resize', function () { chart.resize(); });
      div.setAttribute('data-rendered', 'true');
      drawn++;
    });
    return drawn;
  }

  function table(headers, rows) {
    var head = el('tr', null, headers.map(function (h) {
      return el('th', { text: h.text || h, className: h.num ? 'st-num' : '' });
    }));
    var body = el('tbody', null, rows.map(function (cells) {
      return el('tr', null, cells.map(function (cell) {
        if (cell && cell.nodeType) {
          return el('td', null, [cell]);
        }
        if (cell && typeof cell === 'object') {
          return el('td', { text: cell.text, className: cell.className || '' });
        }
        return el('td', { text: cell === null || cell === undefined ? '' : String(cell) });
      }));
    }));
    return el('table', null, [el('thead', null, [head]), body]);
  }

  function num(v) {
    return { text: String(v), className: 'st-num' };
  }

  // A counter with nothing to count (a package without branches) is "n/a" on a neutral bar, not 0 % in red.
  function bar(counter) {
    var r = ratio(counter);
    if (r === null) {
      var none = el('span', { className: 'st-bar st-bar-na', title: 'nothing to cover' });
      return el('span', { className: 'st-muted' }, [none, percent(r)]);
    }
    var inner = el('span');
    inner.style.width = (r * 100).toFixed(1) + '%';
    var outer = el('span', { className: 'st-bar' }, [inner]);
    return el('span', null, [outer, percent(r)]);
  }

  function card(label, value, className) {
    return el('div', { className: 'st-card' }, [el('b', { text: value, className: className || '' }), label]);
  }

  function coverageCard(r, previous) {
    var value = r.lineCoverage === null || r.lineCoverage === undefined ? 'n/a' : percent(r.lineCoverage);
    var change = coverageChange(r, previous);
    var node = card('line coverage', value);
    if (change !== null) {
      var down = r.lineCoverage < previous.lineCoverage;
      var up = r.lineCoverage > previous.lineCoverage;
      node.appendChild(el('span', { className: 'st-change ' + (down ? 'st-bad' : up ? 'st-ok' : 'st-muted'),
        text: change + ' vs previous', 'data-change': change }));
    }
    return node;
  }

  function resolve(href, baseUrl) {
    return baseUrl && !/^([a-z][a-z0-9+.-]*:|\/)/i.test(href) ? baseUrl + href : href;
  }

  // Only http(s) and relative targets become links; anything else ("javascript:") is shown as text.
  function safeHref(href) {
    return /^([a-z][a-z0-9+.-]*):/i.test(href) && !/^https?:/i.test(href) ? null : href;
  }

  function link(href, text, baseUrl) {
    var target = safeHref(resolve(String(href), baseUrl));
    return target === null ? el('span', { text: text }) : el('a', { href: target, text: text });
  }

  function coverageChange(r, previous) {
    if (!previous || r.lineCoverage === null || r.lineCoverage === undefined
        || previous.lineCoverage === null || previous.lineCoverage === undefined) {
      return null;
    }
    var points = Math.round((r.lineCoverage - previous.lineCoverage) * 1000) / 10;
    return (points > 0 ? '+' : points < 0 ? '\u2212' : '\u00b1') + Math.abs(points).toFixed(1) + ' pts';
  }

  function renderSummary(element, details, links, options) {
    options = options || {};
    element.textContent = '';
    if (!details || !details.record) {
      element.appendChild(el('p', { className: 'st-muted', text: 'No run details.' }));
      return;
    }
    var r = details.record;
    var tests = details.tests || { cases: [], problems: [] };
    var coverage = details.coverage || {};
    var orphans = details.orphans || { orphans: [], problems: [] };
    var failedCount = r.failed + r.errors;

    element.appendChild(el('h2', { text: options.heading || 'Last run' }));
    element.appendChild(el('p', { className: 'st-muted' }, [
      'Run ', el('code', { text: r.runId }), ' started ' + r.startedAt + ', took ' + seconds(r.runtimeSeconds)
        + (r.complete ? '.' : ' - partial or aborted run.')]));
    element.appendChild(el('div', { className: 'st-cards' }, [
      card('tests', String(r.total)),
      card('passed', String(r.passed), 'st-ok'),
      card('failed or errors', String(failedCount), failedCount ? 'st-bad' : ''),
      card('skipped', String(r.skipped), r.skipped ? 'st-warn' : ''),
      card('runtime', seconds(r.runtimeSeconds), r.complete ? '' : 'st-warn'),
      coverageCard(r, options.previous),
      card('orphans (uncovered)', r.orphanTotal + ' (' + r.orphanUncovered + ')'),
      card('container failures / timeouts', r.containerFailures + ' / ' + r.containerTimeouts,
        r.containerFailures + r.containerTimeouts ? 'st-bad' : '')
    ]));
    var allLinks = (links || []).slice();
    if (options.detailsUrl) {
      allLinks.unshift({ href: options.detailsUrl, text: 'Details: shards, failures, coverage by package' });
    }
    if (allLinks.length) {
      element.appendChild(el('p', { className: 'st-links' }, allLinks.reduce(function (acc, l, i) {
        if (i) { acc.push(' \u00b7 '); }
        acc.push(link(l.href, l.text, options.baseUrl));
        return acc;
      }, [])));
    }
    if (options.compact) {
      var failing = (tests.cases || []).filter(function (t) { return t.status === 'FAILED' || t.status === 'ERROR'; });
      if (failing.length) {
        element.appendChild(el('ul', { className: 'st-compact-failures' }, failing.slice(0, 10).map(function (t) {
          return el('li', null, [el('code', { text: (t.className ? t.className + '.' : '') + t.name, className: 'st-bad' }),
            t.message ? ' - ' + t.message : '']);
        })));
        if (failing.length > 10) {
          element.appendChild(el('p', { className: 'st-muted', text: (failing.length - 10) + ' more failed test(s)' }));
        }
      }
      return;
    }

    element.appendChild(el('h2', { text: 'Shards' }));
    if (r.shards && r.shards.length) {
      element.appendChild(table(['Shard', { text: 'Tests', num: true }, { text: 'Passed', num: true },
        { text: 'Failed', num: true }, { text: 'Skipped', num: true }, { text: 'Runtime', num: true }, 'Outcome'],
        r.shards.map(function (s) {
          return [String(s.index), num(s.tests), num(s.passed), num(s.failed), num(s.skipped),
            num(seconds(s.runtimeSeconds)), { text: s.outcome, className: s.outcome === 'ok' ? 'st-ok' : 'st-bad' }];
        })));
    } else {
      element.appendChild(el('p', { className: 'st-muted', text: 'No shard figures.' }));
    }

    var failures = (tests.cases || []).filter(function (t) { return t.status === 'FAILED' || t.status === 'ERROR'; });
    element.appendChild(el('h2', { text: 'Failures (' + failures.length + ')' }));
    if (failures.length === 0) {
      element.appendChild(el('p', { className: 'st-ok', text: 'No failed tests.' }));
    }
    failures.forEach(function (t) {
      var name = t.className ? t.className + '.' + t.name : t.name;
      var summary = el('summary', null, [el('code', { text: name, className: 'st-bad' }),
        t.message ? ' - ' + t.message : '', ' (' + t.status.toLowerCase() + ', ' + seconds(t.durationSeconds) + ')']);
      var parts = [summary];
      if (t.details) { parts.push(el('pre', { text: t.details })); }
      if (t.systemOut) { parts.push(el('div', { className: 'st-muted', text: 'Output:' }), el('pre', { text: t.systemOut })); }
      if (t.reportFile) { parts.push(el('div', { className: 'st-muted', text: 'Report: ' + t.reportFile })); }
      element.appendChild(el('details', { className: 'st-failure' }, parts));
    });
    var flaky = (tests.cases || []).filter(function (t) { return t.flaky; });
    if (flaky.length) {
      element.appendChild(el('p', { className: 'st-warn' }, ['Flaky (passed on a rerun): ',
        flaky.map(function (t) { return (t.className ? t.className + '.' : '') + t.name; }).join(', ')]));
    }

    var problems = [].concat(tests.problems || [], coverage.warnings || [], orphans.problems || []);
    if (problems.length) {
      element.appendChild(el('h2', { text: 'Problems (' + problems.length + ')' }));
      element.appendChild(el('ul', { className: 'st-problems' }, problems.map(function (p) { return el('li', { text: p }); })));
    }

    element.appendChild(el('h2', { text: 'Coverage by package' }));
    var packages = coverage.packages || [];
    // coverage.py (pytest) measures lines and branches of modules; JaCoCo also instructions, methods and classes
    var python = coverage.language === 'python';
    if (packages.length) {
      var rows = packages.map(function (p) {
        return python
          ? [el('code', { text: p.name || '(top level)' }), bar(p.line), bar(p.branch),
            num(p.clazz.covered + ' / ' + (p.clazz.covered + p.clazz.missed))]
          : [el('code', { text: p.name || '(default package)' }), bar(p.instruction), bar(p.line), bar(p.branch),
            num(p.method.covered + ' / ' + (p.method.covered + p.method.missed)),
            num(p.clazz.covered + ' / ' + (p.clazz.covered + p.clazz.missed))];
      });
      rows.push(python
        ? [el('b', { text: 'Total' }), bar(coverage.line), bar(coverage.branch),
          num(coverage.clazz.covered + ' / ' + (coverage.clazz.covered + coverage.clazz.missed))]
        : [el('b', { text: 'Total' }), bar(coverage.instruction), bar(coverage.line), bar(coverage.branch),
          num(coverage.method.covered + ' / ' + (coverage.method.covered + coverage.method.missed)),
          num(coverage.clazz.covered + ' / ' + (coverage.clazz.covered + coverage.clazz.missed))]);
      element.appendChild(table(python
        ? ['Package', 'Lines', 'Branches', { text: 'Modules', num: true }]
        : ['Package', 'Instructions', 'Lines', 'Branches', { text: 'Methods', num: true }, { text: 'Classes', num: true }],
        rows));
    } else {
      element.appendChild(el('p', { className: 'st-muted', text: 'No coverage measured.' }));
    }

    var list = orphans.orphans || [];
    var modules = orphans.language === 'python';
    var units = modules ? 'modules' : 'classes';
    element.appendChild(el('h2', { text: 'Orphan ' + units + ' (' + list.length + ')' }));
    if (list.length) {
      element.appendChild(table([modules ? 'Module' : 'Class', 'Found', 'Coverage'], list.map(function (o) {
        var found = modules
          ? (o.viaOrphan ? 'imported only by orphans' : 'not imported by any test file')
          : (o.viaOrphan ? 'only reachable through orphans' : 'not referenced by any test');
        return [el('code', { text: o.className }), found,
          { text: o.covered ? 'covered indirectly' : 'not covered', className: o.covered ? 'st-ok' : 'st-bad' }];
      })));
    } else {
      element.appendChild(el('p', { className: 'st-muted', text: 'No orphan ' + units + '.' }));
    }
  }

  function renderPage(element, data) {
    element.textContent = '';
    element.appendChild(el('h1', { text: data.title || 'Self-test report' }));
    if (data.generatedAt) {
      element.appendChild(el('p', { className: 'st-muted', text: 'Generated ' + data.generatedAt + ' from '
        + (data.trend ? data.trend.runIds.length : 0) + ' run(s) of history.' }));
    }
    element.appendChild(el('h2', { text: 'Trends' }));
    var trends = el('div', { className: 'st-trends' });
    element.appendChild(trends);
    var summary = el('div', { className: 'st-summary' });
    element.appendChild(summary);
    var drawn = renderTrends(trends, data.trend);
    renderSummary(summary, data.last, data.links);
    document.body.setAttribute('data-charts-rendered', String(drawn));
    return drawn;
  }

  function millis(ms) {
    return ms === null || ms === undefined || ms < 0 ? 'n/a' : seconds(ms / 1000);
  }

  var SERVICE_STATES = { ready: 'st-ok', running: 'st-ok', waiting: 'st-warn', starting: 'st-warn', backoff: 'st-warn',
    stopping: 'st-muted', stopped: 'st-muted', exited: 'st-muted', failed: 'st-bad' };

  // Where the body reaches a service: host:port for each allocated port ("5432 \u2192 127.0.0.1:41234" for a
  // container port), the container's name below; text nodes only.
  function endpoints(s) {
    var cell = el('span', {});
    var ports = s.ports || {};
    var keys = Object.keys(ports);
    if (!s.host || !keys.length) {
      cell.appendChild(document.createTextNode('\u2014'));
    }
    keys.forEach(function (key, i) {
      if (i > 0) {
        cell.appendChild(el('br', {}));
      }
      var at = (s.host.indexOf(':') >= 0 ? '[' + s.host + ']' : s.host) + ':' + ports[key];
      cell.appendChild(el('code', { text: key === 'PORT' ? at : key + ' \u2192 ' + at }));
    });
    if (s.container) {
      cell.appendChild(el('br', {}));
      cell.appendChild(el('span', { className: 'st-muted', text: 'container ' + s.container }));
    }
    return cell;
  }

  function renderServices(element, services, options) {
    options = options || {};
    element.textContent = '';
    element.appendChild(el('h2', { text: options.heading || 'Supervised services' }));
    if (!services || !services.length) {
      element.appendChild(el('p', { className: 'st-muted', text: 'No supervised services.' }));
      return 0;
    }
    element.appendChild(table(['Service', 'State', 'Reached at', { text: 'Restarts', num: true }, 'Last exit',
      { text: 'Ready after', num: true }, { text: 'Uptime', num: true }, 'Log'],
      services.map(function (s) {
        return [el('code', { text: s.name }), { text: s.state, className: SERVICE_STATES[s.state] || '' },
          endpoints(s), num(s.restarts), s.lastExit || '\u2014', num(millis(s.readyMillis)), num(millis(s.uptimeMillis)),
          s.log ? link('artifact/' + s.log.split('/').map(encodeURIComponent).join('/'), s.log, options.baseUrl) : ''];
      })));
    return services.length;
  }

  function bootOne(node) {
    var view = node.getAttribute('data-selftest-view');
    var base = node.getAttribute('data-base-url') || '';
    var root = node.getAttribute('data-root-url') || '';
    var data = JSON.parse(node.getAttribute('data-selftest') || 'null') || {};
    if (view === 'build-summary' || view === 'build') {
      renderSummary(node, data.details, data.links, { previous: data.previous, compact: view === 'build-summary',
        heading: data.heading, baseUrl: base, detailsUrl: view === 'build-summary' ? data.detailsUrl : null });
    } else if (view === 'trends') {
      var drawn = renderTrends(node, data.trend, { labels: data.labels,
        links: (data.urls || []).map(function (u) { return root + u; }), navigate: SelfTestUI.navigate });
      node.setAttribute('data-charts-rendered', String(drawn));
    } else if (view === 'services') {
      renderServices(node, data.services || data, { baseUrl: base });
    } else {
      throw new Error('unknown view ' + view);
    }
  }

  function boot(root) {
    var nodes = (root || document).querySelectorAll('[data-selftest-view]:not([data-selftest-rendered])');
    Array.prototype.forEach.call(nodes, function (node) {
      node.setAttribute('data-selftest-rendered', 'true');
      try {
        bootOne(node);
      } catch (e) {
        node.textContent = '';
        node.appendChild(el('p', { className: 'st-bad', text: 'Cannot show the self-test results: ' + e.message }));
        node.setAttribute('data-selftest-error', String(e.message));
      }
    });
    return nodes.length;
  }

  var SelfTestUI = { renderTrends: renderTrends, renderSummary: renderSummary, renderServices: renderServices,
    renderPage: renderPage, boot: boot, navigate: undefined };
  global.SelfTestUI = SelfTestUI;
})(window);
