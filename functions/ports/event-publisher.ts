export interface PublishedEvent {
  source: string;
  detailType: string;
  detail: unknown;
  resources?: string[];
}

export interface EventPublisher {
  publish(event: PublishedEvent): Promise<void>;
}
