// The dashboard's charts: a bar per commune (the figure chosen in the select) and the trend of
// a few figures over the last half-years. The data comes from the page itself (the
// `json_script` block "dashboard-data"), read from the snapshots on the server: nothing is
// fetched here.
(function () {
  "use strict";
  const source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const locale = document.documentElement.lang || "vi";
  const numbers = new Intl.NumberFormat(locale === "vi" ? "de-DE" : locale); // 1.730: the report's grouping
  const colours = ["#0d6efd", "#dc3545", "#fd7e14", "#198754", "#6f42c1", "#20c997", "#6c757d"];
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;

  const communeCanvas = document.getElementById("commune-chart");
  const select = document.getElementById("commune-figure");
  if (communeCanvas && data.communes.labels.length) {
    const figureOf = (key) => data.communes.figures.find((f) => f.key === key) || data.communes.figures[0];
    // The communes with the figure, the largest on top, at most TOP of them: a province has
    // about a hundred communes, most with nothing to show for a given figure; the table below
    // lists them all.
    const TOP = 15;
    const sorted = (figure) => {
      const order = figure.values
        .map((_v, i) => i)
        .filter((i) => figure.values[i] > 0)
        .sort((a, b) => figure.values[b] - figure.values[a])
        .slice(0, TOP);
      communeCanvas.parentNode.style.height = 60 + 26 * Math.max(order.length, 1) + "px";
      return {
        labels: order.map((i) => data.communes.labels[i]),
        codes: order.map((i) => data.communes.codes[i]),
        values: order.map((i) => figure.values[i]),
      };
    };
    let current = figureOf(select ? select.value : "");
    let shown = sorted(current);
    const chart = new Chart(communeCanvas, {
      type: "bar",
      data: {
        labels: shown.labels,
        datasets: [{label: current.label, data: shown.values, backgroundColor: colours[0]}],
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        plugins: {
          legend: {display: false},
          tooltip: {callbacks: {label: (ctx) => numbers.format(ctx.parsed.x)}},
        },
        scales: {
          x: {beginAtZero: true, ticks: {callback: (value) => numbers.format(value), precision: 0}},
          y: {ticks: {autoSkip: false}},
        },
        onClick: (_event, elements) => {
          // A click on a commune's bar opens that commune's dashboard (the drill-down).
          if (!elements.length) return;
          const link = document.querySelector('[data-testid="drill-' + shown.codes[elements[0].index] + '"]');
          if (link) window.location.href = link.href;
        },
      },
    });
    if (select) {
      select.addEventListener("change", () => {
        current = figureOf(select.value);
        shown = sorted(current);
        chart.data.labels = shown.labels;
        chart.data.datasets[0].label = current.label;
        chart.data.datasets[0].data = shown.values;
        chart.update();
      });
    }
  }

  const trendCanvas = document.getElementById("trend-chart");
  if (trendCanvas && data.trend.labels.length > 1) {
    new Chart(trendCanvas, {
      type: "line",
      data: {
        labels: data.trend.labels,
        datasets: data.trend.figures.map((f, i) => ({
          label: f.label,
          data: f.values,
          borderColor: colours[i % colours.length],
          backgroundColor: colours[i % colours.length],
          tension: 0.2,
        })),
      },
      options: {
        maintainAspectRatio: false,
        interaction: {mode: "index", intersect: false},
        plugins: {
          legend: {position: "bottom"},
          tooltip: {callbacks: {label: (ctx) => ctx.dataset.label + ": " + numbers.format(ctx.parsed.y)}},
        },
        scales: {y: {beginAtZero: true, ticks: {callback: (value) => numbers.format(value), precision: 0}}},
      },
    });
  }
})();
