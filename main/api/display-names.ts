/**
 * The one table of what a person reads for the workbench's internal names: every ranking signal,
 * metric, slice family and KG relation, with a display name and a one-line description in English
 * and Chinese. The app (tooltips and legends), the CLI's results table and the HTML report all
 * read it; keys in files and the Api stay as they are (`ndcg@10`, `longtail@10`, `kg-overlap`).
 *
 * Zod-free and Node-free: the renderer imports it as values (eslint.config.mjs CONTRACT_MODULES).
 */

export type DisplayLang = 'en' | 'zh';

export interface DisplayEntry {
  readonly en: string;
  readonly zh: string;
  /** One line: what it is and how to read it. */
  readonly desc: { readonly en: string; readonly zh: string };
}

const e = (en: string, zh: string, descEn: string, descZh: string): DisplayEntry => ({ en, zh, desc: { en: descEn, zh: descZh } });

/** Ranking signals: the models a hybrid fuses and its hand-made features. */
export const SIGNAL_NAMES: Readonly<Record<string, DisplayEntry>> = {
  pop: e('Popularity', '热门程度', 'How many users interacted with the item in training.', '训练数据中与该物品交互过的用户数。'),
  itemknn: e('Similar items (co-rated)', '相似物品（共同评分）', 'Items rated by the same users as the ones in your history (item k-nearest neighbours).', '与你历史中的物品被同一批用户评分过的物品（基于物品的近邻）。'),
  ease: e('Co-rating pattern (EASE)', '共现模式（EASE）', 'A linear model of which items are rated together, learned from all users (EASE).', '从所有用户学到的“哪些物品常被一起评分”的线性模型（EASE）。'),
  bpr: e('Taste factors (BPR)', '偏好因子（BPR）', 'Latent taste factors learned from which items users chose over others (BPR matrix factorization).', '从用户的选择中学到的隐含偏好因子（BPR 矩阵分解）。'),
  semantic: e('Text similarity', '文本相似度', 'How close the item’s description is to your history, by a language model.', '语言模型判断的物品描述与你的历史之间的接近程度。'),
  'semantic-ft': e('Text similarity (fine-tuned)', '文本相似度（微调）', 'Text similarity through an adapter fine-tuned on this dataset’s interactions.', '经过本数据集交互数据微调的适配器计算的文本相似度。'),
  'kg-profile': e('Knowledge-graph profile', '知识图谱画像', 'How much the item shares directors, actors, genres… that recur in your history.', '物品与你历史中反复出现的导演、演员、类型等的重合程度。'),
  'kg-embed': e('Knowledge-graph embedding', '知识图谱嵌入', 'Closeness of the item to your history in a learned embedding of the knowledge graph.', '在学到的知识图谱嵌入空间中物品与你历史的接近程度。'),
  'kg-overlap': e('Shared facts with your history', '与历史共享的事实', 'Knowledge-graph facts (people, genres, …) the item shares with items in your history.', '该物品与你历史中的物品共享的知识图谱事实（人物、类型等）。'),
  'history-similarity': e('Similar to your history (text)', '与历史相似（文本）', 'Highest text similarity between the item and one item of your history.', '该物品与你历史中某一物品的最高文本相似度。'),
  'history-length': e('Length of your history', '历史长度', 'How many items you have interacted with; the fusion trusts signals differently for short histories.', '你交互过的物品数量；历史较短时融合模型会调整对各信号的信任。'),
  votes: e('Agreement between signals', '信号一致度', 'How many signals rank the item near the top.', '有多少个信号把该物品排在前列。'),
};

/** Metrics by base name (without `@K`); `long_tail_share` (the app's key) is `longtail`. */
export const METRIC_NAMES: Readonly<Record<string, DisplayEntry>> = {
  ndcg: e('NDCG', 'NDCG', 'Ranking quality: hits near the top count more (normalized discounted cumulative gain).', '排序质量：越靠前的命中权重越大（归一化折损累计增益）。'),
  recall: e('Recall', '召回率', 'Share of the user’s held-out items found in the top K.', '用户的测试物品中出现在前 K 个推荐里的比例。'),
  precision: e('Precision', '精确率', 'Share of the top K that are held-out items of the user.', '前 K 个推荐中属于用户测试物品的比例。'),
  hit: e('Hit rate', '命中率', 'Share of users with at least one held-out item in the top K.', '前 K 个推荐中至少命中一个测试物品的用户比例。'),
  mrr: e('MRR', 'MRR', 'Mean reciprocal rank of the first hit (1 = first place).', '第一个命中位置的倒数的平均值（1 表示排在第一）。'),
  coverage: e('Coverage', '覆盖率', 'Share of all items recommended to at least one user.', '至少被推荐给一个用户的物品占全部物品的比例。'),
  novelty: e('Novelty', '新颖度', 'Mean self-information −log2(popularity) of recommended items: higher = less obvious.', '推荐物品的平均自信息 −log2(流行度)：越高越不“大众”。'),
  longtail: e('Long-tail share', '长尾占比', 'Share of recommended slots outside the 20% most popular items.', '推荐位中不属于最热门 20% 物品的比例。'),
  gini: e('Gini', '基尼系数', 'How unevenly recommendations are spread over items: 0 = even, 1 = all on one item.', '推荐在物品间分布的不均程度：0 为均匀，1 为全部集中于一个物品。'),
  avgpop: e('Average popularity', '平均流行度', 'Mean number of training interactions of the recommended items.', '推荐物品在训练集中的平均交互次数。'),
  ild_kg: e('Diversity (knowledge graph)', '多样性（知识图谱）', 'Mean dissimilarity of item pairs in a list by their knowledge-graph entities (1 − Jaccard).', '按知识图谱实体计算的列表内物品两两差异的平均值（1 − Jaccard）。'),
  ild_emb: e('Diversity (embeddings)', '多样性（嵌入）', 'Mean dissimilarity of item pairs in a list by their text embeddings (1 − cosine).', '按文本嵌入计算的列表内物品两两差异的平均值（1 − 余弦）。'),
};

const METRIC_ALIASES: Readonly<Record<string, string>> = { long_tail_share: 'longtail' };

/** Slice families of `results.<model>.slices` (`gender=F`, …) and the app's slices. */
export const SLICE_NAMES: Readonly<Record<string, DisplayEntry>> = {
  age: e('Age', '年龄', 'Users by age group (MovieLens-1M buckets).', '按年龄段划分的用户（MovieLens-1M 分组）。'),
  gender: e('Gender', '性别', 'Users by recorded gender.', '按记录的性别划分的用户。'),
  occupation: e('Occupation', '职业', 'Users by recorded occupation.', '按记录的职业划分的用户。'),
  activity: e('Activity', '活跃度', 'Users by number of training interactions, in quartiles (q1 = least active).', '按训练交互数分为四分位的用户（q1 最不活跃）。'),
  popularity: e('Item popularity', '物品流行度', 'Only held-out items among the 20% most popular (head) or the rest (tail) count.', '只计入最热门 20%（头部）或其余（尾部）的测试物品。'),
  cold: e('Cold items', '冷启动物品', 'Held-out items never seen in training.', '训练中从未出现过的测试物品。'),
  'long-tail': e('Tail items', '尾部物品', 'Only held-out items outside the 20% most popular count.', '只计入不属于最热门 20% 的测试物品。'),
};

/** Relations of the bundled datasets (Freebase film properties and derived ones). */
export const RELATION_NAMES: Readonly<Record<string, DisplayEntry>> = {
  'film.film.actor': e('actor', '演员', 'A person who acted in the film.', '出演该电影的人。'),
  'film.actor.film': e('acted in', '出演', 'A film the person acted in.', '此人出演的电影。'),
  'film.film.genre': e('genre', '类型', 'A genre of the film.', '电影的类型。'),
  'film.film_genre.films_in_this_genre': e('film of genre', '该类型的电影', 'A film in this genre.', '属于该类型的电影。'),
  'film.film.directed_by': e('director', '导演', 'Who directed the film.', '电影的导演。'),
  'film.director.film': e('directed', '执导', 'A film this person directed.', '此人执导的电影。'),
  'film.film.written_by': e('writer', '编剧', 'Who wrote the film.', '电影的编剧。'),
  'film.writer.film': e('wrote', '编写', 'A film this person wrote.', '此人编写的电影。'),
  'film.film.produced_by': e('producer', '制片人', 'Who produced the film.', '电影的制片人。'),
  'film.producer.film': e('produced', '制作', 'A film this person produced.', '此人制作的电影。'),
  'film.film.cinematography': e('cinematographer', '摄影指导', 'Who shot the film.', '电影的摄影指导。'),
  'film.cinematographer.film': e('shot', '拍摄', 'A film this person shot.', '此人拍摄的电影。'),
  'film.film.production_companies': e('production company', '制作公司', 'A company that made the film.', '制作该电影的公司。'),
  'film.production_company.films': e('made film', '出品', 'A film the company made.', '该公司出品的电影。'),
  'film.film.award_won': e('award won', '获奖', 'An award the film won.', '电影获得的奖项。'),
  'film.film.award_nomination': e('award nomination', '奖项提名', 'An award the film was nominated for.', '电影获得提名的奖项。'),
  'film.film.language': e('language', '语言', 'A language of the film.', '电影的语言。'),
  'film.film.country': e('country', '国家', 'A country of the film.', '电影的出品国家。'),
  'film.film.rating': e('content rating', '分级', 'The film’s content rating.', '电影的内容分级。'),
  'film.content_rating.film': e('film rated', '该分级的电影', 'A film with this content rating.', '具有该分级的电影。'),
  'film.film.subjects': e('subject', '题材', 'A subject of the film.', '电影的题材。'),
  'film.film_subject.films': e('film about', '相关电影', 'A film about this subject.', '关于该题材的电影。'),
  'film.film.sequel': e('sequel', '续集', 'The film’s sequel.', '电影的续集。'),
  'film.film.prequel': e('prequel', '前传', 'The film’s prequel.', '电影的前传。'),
  has_genre: e('genre', '类型', 'A genre from the catalog.', '目录中的类型。'),
  released_in_decade: e('decade', '年代', 'The decade of release, from the catalog.', '目录中的上映年代。'),
};

function pick(entry: DisplayEntry | undefined, lang: DisplayLang, fallback: string): string {
  return entry === undefined ? fallback : entry[lang];
}

/** `ndcg@10` → ['ndcg', '@10']; `long_tail_share` → ['longtail', '']. */
function splitMetric(key: string): [string, string] {
  const at = key.indexOf('@');
  const base = at < 0 ? key : key.slice(0, at);
  return [METRIC_ALIASES[base] ?? base, at < 0 ? '' : key.slice(at)];
}

export function signalName(key: string, lang: DisplayLang = 'en'): string {
  return pick(SIGNAL_NAMES[key], lang, key);
}

export function signalDescription(key: string, lang: DisplayLang = 'en'): string {
  return SIGNAL_NAMES[key]?.desc[lang] ?? '';
}

/** `ndcg@10` → "NDCG@10"; `long_tail_share` → "Long-tail share"; unknown keys unchanged. */
export function metricName(key: string, lang: DisplayLang = 'en'): string {
  const [base, at] = splitMetric(key);
  const entry = METRIC_NAMES[base];
  return entry === undefined ? key : `${entry[lang]}${at}`;
}

export function metricDescription(key: string, lang: DisplayLang = 'en'): string {
  return METRIC_NAMES[splitMetric(key)[0]]?.desc[lang] ?? '';
}

/** True for metrics where lower is better (average popularity, Gini). */
export function lowerIsBetter(key: string): boolean {
  const base = splitMetric(key)[0];
  return base === 'avgpop' || base === 'gini';
}

/** `gender=F` → "Gender: F"; `activity=q1` → "Activity: q1"; `long-tail` → "Tail items". */
export function sliceName(key: string, lang: DisplayLang = 'en'): string {
  const eq = key.indexOf('=');
  if (eq < 0) return pick(SLICE_NAMES[key], lang, key);
  const family = key.slice(0, eq);
  return `${pick(SLICE_NAMES[family], lang, family)}: ${key.slice(eq + 1)}`;
}

export function sliceDescription(key: string, lang: DisplayLang = 'en'): string {
  const eq = key.indexOf('=');
  return SLICE_NAMES[eq < 0 ? key : key.slice(0, eq)]?.desc[lang] ?? '';
}

/** A relation's display name; unknown relations fall back to `fallback` (e.g. its phrase), else the key. */
export function relationName(key: string, lang: DisplayLang = 'en', fallback?: string): string {
  return pick(RELATION_NAMES[key], lang, fallback ?? key);
}

export function relationDescription(key: string, lang: DisplayLang = 'en'): string {
  return RELATION_NAMES[key]?.desc[lang] ?? '';
}

/** `*` p < 0.05, `**` < 0.01, `***` < 0.001 (after Holm), else blank: the marks of the app, CLI and report. */
export function significanceMark(pHolm: number): string {
  return pHolm < 0.001 ? '***' : pHolm < 0.01 ? '**' : pHolm < 0.05 ? '*' : '';
}

/** A p-value in two significant digits: 0.040, 0.20, 1.0e-5 (exponent below 0.001). */
export function formatP(p: number): string {
  return p < 0.001 ? p.toExponential(1) : p.toPrecision(2);
}
