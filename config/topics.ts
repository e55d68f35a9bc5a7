/**
 * Kafka topics of the platform, in one place: the stack creates them, producers and the bridge use
 * them. Every message is keyed by user id, so one user's events stay in order on one partition.
 */
export const topics = {
  accounts: 'domain.accounts',
  partners: 'domain.partners',
  transactions: 'domain.transactions',
  offers: 'domain.offers',
  preferences: 'dashboard.preferences',
  dashboardUpdated: 'dashboard.updated',
  /** One DashboardViewed per served dashboard: analytics only, so it is kept for a shorter time. */
  dashboardViewed: 'dashboard.viewed',
  deadLetter: 'dashboard.dead-letter',
} as const;

export type TopicName = (typeof topics)[keyof typeof topics];

export interface TopicSpec {
  readonly name: TopicName;
  readonly partitions: number;
  readonly retentionMs: number;
}

const week = 7 * 24 * 3600 * 1000;

export const topicSpecs: readonly TopicSpec[] = [
  { name: topics.accounts, partitions: 6, retentionMs: week },
  { name: topics.partners, partitions: 6, retentionMs: week },
  { name: topics.transactions, partitions: 6, retentionMs: week },
  { name: topics.offers, partitions: 6, retentionMs: week },
  { name: topics.preferences, partitions: 6, retentionMs: week },
  { name: topics.dashboardUpdated, partitions: 6, retentionMs: week },
  { name: topics.dashboardViewed, partitions: 6, retentionMs: 3 * 24 * 3600 * 1000 },
  // Dead letters are kept longer: an operator may look at them days later.
  { name: topics.deadLetter, partitions: 1, retentionMs: 4 * week },
];

/** Topics the bridge consumes: every domain topic plus preference changes. */
export const bridgeTopics: readonly TopicName[] = [
  topics.accounts,
  topics.partners,
  topics.transactions,
  topics.offers,
  topics.preferences,
];

/** Topics the analytics consumer stores: every event the platform sees or makes. */
export const analyticsTopics: readonly TopicName[] = [...bridgeTopics, topics.dashboardUpdated, topics.dashboardViewed];
