// anbao event day: progress-bar widths, the last-hour occupancy chart and the statistics charts.
// No inline script or style (CSP): bars carry data-bar, charts read a JSON endpoint or json_script blocks.
(function () {
  "use strict";

  const COLOURS = ["#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#6c757d", "#d63384"];

  function sizeBars(root) {
    root.querySelectorAll("[data-bar]").forEach((bar) => {
      const value = Math.max(0, Math.min(100, Number(bar.dataset.bar) || 0));
      bar.style.width = value + "%";
    });
  }

  function occupancyChart(canvas) {
    if (typeof Chart === "undefined") return;
    const url = canvas.dataset.occupancyUrl;
    const refresh = (Number(canvas.dataset.refreshSeconds) || 15) * 1000;
    let chart = null;

    function datasets(payload) {
      return payload.last_hour.series.map((series, index) => ({
        label: series.zone,
        data: series.values,
        borderColor: COLOURS[index % COLOURS.length],
        backgroundColor: COLOURS[index % COLOURS.length],
        pointRadius: 0,
        tension: 0.2,
      }));
    }

    function load() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
        .then((payload) => {
          if (chart === null) {
            chart = new Chart(canvas, {
              type: "line",
              data: { labels: payload.last_hour.labels, datasets: datasets(payload) },
              options: {
                animation: false,
                interaction: { mode: "index", intersect: false },
                scales: { y: { beginAtZero: true } },
              },
            });
          } else {
            chart.data.labels = payload.last_hour.labels;
            chart.data.datasets = datasets(payload);
            chart.update();
          }
          canvas.dataset.loaded = "true";
        })
        .catch(() => { canvas.dataset.loaded = "error"; });
    }

    load();
    window.setInterval(load, refresh);
  }

  function statisticsChart(canvas) {
    if (typeof Chart === "undefined") return;
    const source = document.getElementById(canvas.dataset.chartSource);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: canvas.dataset.chartType || "bar",
      data: {
        labels: data.labels,
        datasets: [{ label: data.label, data: data.values, backgroundColor: COLOURS[0] }],
      },
      options: { animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    sizeBars(document);
    document.querySelectorAll("canvas[data-occupancy-url]").forEach(occupancyChart);
    document.querySelectorAll("canvas.stats-chart").forEach(statisticsChart);
  });
  // htmx swaps the live partial in every few seconds: size its bars again.
  document.addEventListener("htmx:afterSwap", (event) => sizeBars(event.target));
})();
