export type { ChartDay, ChartImage } from './chart-day.js';
export { type ChartRenderer, createChartRenderer } from './chart-renderer.js';
export { CHART_WIDTH, findChartFont } from './chart-rendering.js';
export { MOOD_LINE_MAX_DAYS, moodLineAlt, moodLineSpec } from './mood-line.js';
export { moodMusicScatterAlt, moodMusicScatterSpec, NOT_CAUSE, scatterDays } from './mood-music-scatter.js';
export { MOOD_BANDS, moodBand, moodColour, NO_MOOD, OKABE_ITO, SERIES_COLOURS } from './palette.js';
export { WEEK_CHART_HEIGHT, type WeekChartDay, weekChartSpec } from './week-chart.js';
export { yearGridAlt, yearGridCell, yearGridSize, yearGridSvg } from './year-grid.js';
