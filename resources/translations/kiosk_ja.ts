<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP" sourcelanguage="en">
<context>
    <name>Age</name>
    <message>
        <location filename="../../kiosk/ui/i18n.py" line="+409"/>
        <source>just now</source>
        <translation>たった今</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n min ago</source>
        <translation>
            <numerusform>%n 分前</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%n hours ago</source>
        <translation>
            <numerusform>%n 時間前</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n days ago</source>
        <translation>
            <numerusform>%n 日前</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Board</name>
    <message>
        <location filename="../../kiosk/ui/board/dialog.py" line="+36"/>
        <source>Student</source>
        <translation>生徒</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../../kiosk/ui/board/filters.py" line="+55"/>
        <source>Belt</source>
        <translation>帯</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Classes</source>
        <translation>稽古回数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Days in belt</source>
        <translation>現在の帯の日数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>状況</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/board/filters.py" line="-19"/>
        <location filename="../../kiosk/ui/board/grading.py" line="+62"/>
        <source>Eligible now</source>
        <translation>昇級可能</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/board/dialog.py" line="+19"/>
        <source>Instructor board</source>
        <translation>指導者ボード</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/board/filters.py" line="-4"/>
        <location line="+1"/>
        <source>Search by name</source>
        <translation>名前で検索</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Stripes</source>
        <translation>ストライプ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show the next stripe instead of the next belt</source>
        <translation>次の帯ではなく次のストライプを表示</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Within classes:</source>
        <translation>あと稽古:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Within this many classes</source>
        <translation>残りの稽古回数がこれ以内</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Within days:</source>
        <translation>あと日数:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Within this many days</source>
        <translation>残りの日数がこれ以内</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Program</source>
        <translation>クラス区分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All programs</source>
        <translation>すべての区分</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>All belts</source>
        <translation>すべての帯</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/board/dialog.py" line="+37"/>
        <source>Students by progress</source>
        <translation>進捗順の生徒一覧</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/board/detail.py" line="+54"/>
        <source>Pick a student</source>
        <extracomment>Rank names by id (the board&apos;s catalogue), for the promotions made here.</extracomment>
        <translation>生徒を選んでください</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Recent attendance</source>
        <translation>最近の出席</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check with TatamiTech</source>
        <translation>TatamiTech で確認</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ask the TatamiTech server for its promotion check</source>
        <translation>TatamiTech サーバーに昇級判定を問い合わせる</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Promote…</source>
        <translation>昇級…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Promote this student: next belt or stripe, with the PIN</source>
        <translation>この生徒を昇級（次の帯またはストライプ、PIN が必要）</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Recent attendance on this kiosk</source>
        <translation>この端末での最近の出席</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kiosk/ui/board/dialog.py" line="+85"/>
        <source>%n students shown · from the kiosk&apos;s roster</source>
        <translation>
            <numerusform>%n 人を表示 · 端末の名簿より</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/board/detail.py" line="+30"/>
        <source>Promoted on this kiosk: %1</source>
        <translation>このキオスクでの昇級: %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Belt: %1</source>
        <translation>帯: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Eligible for promotion</source>
        <translation>昇級可能</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not eligible yet</source>
        <translation>まだ昇級できません</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Why: %1</source>
        <translation>理由: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Next steps: %1</source>
        <translation>次にすること: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Classes %1</source>
        <translation>稽古 %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Days in belt %1</source>
        <translation>帯の日数 %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Age %1</source>
        <translation>年齢 %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No scans on this kiosk yet</source>
        <translation>この端末での記録はまだありません</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Asking TatamiTech…</source>
        <translation>TatamiTech に問い合わせ中…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>TatamiTech cannot be reached: the kiosk&apos;s own evaluation is shown.</source>
        <translation>TatamiTech に接続できません。端末内の判定を表示しています。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>TatamiTech says: eligible</source>
        <translation>TatamiTech の判定: 昇級可能</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>TatamiTech says: not yet</source>
        <translation>TatamiTech の判定: まだ</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/board/grading.py" line="-2"/>
        <source>Degree due</source>
        <translation>次の段の対象</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Stripe due</source>
        <translation>ストライプの対象</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Degrees %1 of %2</source>
        <translation>段 %1 / %2</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Stripes %1 of %2</source>
        <translation>ストライプ %1 / %2</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>next degree due</source>
        <translation>次の段の対象</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>next stripe due</source>
        <translation>次のストライプの対象</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>next: %1</source>
        <translation>次: %1</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Belt %1 → %2</source>
        <translation>帯 %1 → %2</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Stripe %1 → %2</source>
        <translation>ストライプ %1 → %2</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>waiting to sync</source>
        <translation>同期待ち</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>synced</source>
        <translation>同期済み</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>refused: %1</source>
        <translation>拒否: %1</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Grading list:</source>
        <translation>審査リスト:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save as CSV…</source>
        <translation>CSV で保存…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save as PDF…</source>
        <translation>PDF で保存…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Print…</source>
        <translation>印刷…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No printer on this computer</source>
        <translation>このコンピューターにはプリンターがありません</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Writing…</source>
        <translation>書き込み中…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Saved: %1</source>
        <translation>保存しました: %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Not saved (%1): choose another folder.</source>
        <translation>保存できませんでした（%1）: 別のフォルダーを選んでください。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Save the grading list</source>
        <translation>審査リストを保存</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>CSV for spreadsheets (*.csv)</source>
        <translation>表計算用 CSV (*.csv)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sent to the printer</source>
        <translation>プリンターに送信しました</translation>
    </message>
</context>
<context>
    <name>CameraSetup</name>
    <message>
        <location filename="../../kiosk/ui/camera_setup.py" line="+54"/>
        <source>Read a code, but it is not a TatamiTech code.</source>
        <translation>コードを読み取りましたが、TatamiTech のコードではありません。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Read a TatamiTech %1 of another academy.</source>
        <translation>他の道場の TatamiTech %1 を読み取りました。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Read a TatamiTech %1: the camera works.</source>
        <translation>TatamiTech %1 を読み取りました。カメラは正常です。</translation>
    </message>
    <message>
        <location line="+41"/>
        <location line="+17"/>
        <source>Camera</source>
        <translation>カメラ</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>Decoder engine</source>
        <translation>読み取りエンジン</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Automatic (measured best)</source>
        <translation>自動（測定で最適なもの）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Mirror the preview</source>
        <translation>プレビューを左右反転</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Decoder</source>
        <translation>読み取り</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Use this camera</source>
        <translation>このカメラを使う</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Test: hold a student&apos;s code to the camera or scan it. Nothing is recorded.</source>
        <translation>テスト: 生徒のコードをカメラにかざすか、スキャナーで読み取ってください。記録はされません。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Test scan result</source>
        <translation>テスト読み取りの結果</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Camera restarting…</source>
        <translation>カメラを再起動中…</translation>
    </message>
    <message>
        <location line="-134"/>
        <source>Camera %1 (%2)</source>
        <translation>カメラ %1 (%2)</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Demo feed (synthetic)</source>
        <translation>デモ映像（合成）</translation>
    </message>
</context>
<context>
    <name>CameraState</name>
    <message>
        <location filename="../../kiosk/ui/i18n.py" line="-224"/>
        <location line="+1"/>
        <source>off</source>
        <extracomment>The camera&apos;s life cycle (``SourceState`` of the frame adapter, plus ``off``: no camera).</extracomment>
        <translation>オフ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>starting</source>
        <translation>起動中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>working</source>
        <translation>動作中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not found</source>
        <translation>見つかりません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ended</source>
        <translation>終了</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>failed</source>
        <translation>エラー</translation>
    </message>
</context>
<context>
    <name>CheckInWindow</name>
    <message>
        <location filename="../../kiosk/ui/checkin_window.py" line="+47"/>
        <source>This kiosk&apos;s own window</source>
        <translation>このキオスク独自の時間枠</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> min</source>
        <translation> 分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check-in window in minutes</source>
        <translation>チェックイン時間枠（分）</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>A second scan by the same student within the window is not counted twice. Kiosks at one door should use the same window.</source>
        <translation>時間枠内に同じ生徒がもう一度スキャンしても、二重には数えません。同じ入口のキオスクは同じ時間枠にしてください。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Set to %1 minutes by this kiosk&apos;s configuration (checkin_window_minutes).</source>
        <translation>このキオスクの設定ファイルで %1 分に固定されています（checkin_window_minutes）。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>The academy&apos;s window</source>
        <translation>道場の時間枠</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The academy&apos;s window (%1 min)</source>
        <translation>道場の時間枠（%1 分）</translation>
    </message>
</context>
<context>
    <name>Date</name>
    <message>
        <location filename="../../kiosk/ui/i18n.py" line="+197"/>
        <source>d MMM</source>
        <comment>QLocale date pattern: day and short month</comment>
        <translation>MMMd日</translation>
    </message>
</context>
<context>
    <name>Demo</name>
    <message>
        <location filename="../../kiosk/gui.py" line="+244"/>
        <source>Demo: staff PIN %1 · instructor PIN %2</source>
        <extracomment>Where the process started (cold start is measured from here). Demo PINs, set only in demo mode when the demo kiosk has none (shown on the idle screen). Qt categories that complain about optional system libraries (audio, VA-API): not our problem, and noisy on every kiosk without them.</extracomment>
        <translation>デモ: スタッフ PIN %1 · 指導者 PIN %2</translation>
    </message>
</context>
<context>
    <name>Freshness</name>
    <message>
        <location filename="../../kiosk/ui/i18n.py" line="-211"/>
        <source>no roster: staff needed</source>
        <translation>名簿なし（スタッフ対応が必要）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>up to date</source>
        <translation>最新</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>getting old</source>
        <translation>古くなっています</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>too old: staff needed</source>
        <translation>古すぎます（スタッフ対応が必要）</translation>
    </message>
</context>
<context>
    <name>GradingList</name>
    <message>
        <location filename="../../kiosk/ui/board/grading_list.py" line="+34"/>
        <source>Student</source>
        <translation>生徒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Program</source>
        <translation>プログラム</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Belt</source>
        <translation>帯</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next</source>
        <translation>次</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Classes</source>
        <translation>クラス</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Days</source>
        <translation>日数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Eligible</source>
        <translation>対象</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reasons and next steps</source>
        <translation>理由と次のステップ</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>%1 belt</source>
        <translation>%1帯</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>yes</source>
        <translation>はい</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no</source>
        <translation>いいえ</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Grading list: stripes</source>
        <translation>審査リスト: ストライプ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Grading list: belts</source>
        <translation>審査リスト: 帯</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n students</source>
        <translation>
            <numerusform>%n 人</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <location filename="../../kiosk/ui/main_window.py" line="+43"/>
        <location line="+1"/>
        <source>TatamiTech check-in</source>
        <translation>TatamiTech チェックイン</translation>
    </message>
</context>
<context>
    <name>Locale</name>
    <message>
        <location filename="../../kiosk/ui/i18n.py" line="+194"/>
        <source>en</source>
        <comment>QLocale name of this translation, e.g. ja</comment>
        <translation>ja</translation>
    </message>
</context>
<context>
    <name>Note</name>
    <message>
        <location line="-291"/>
        <source>fees not paid</source>
        <translation>会費が未納です</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>assessment not passed</source>
        <translation>審査に未合格です</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>instructor approval pending</source>
        <translation>指導者の承認待ちです</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>settle fees at the front desk</source>
        <translation>受付で会費をお支払いください</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>pass the assessment</source>
        <translation>審査に合格する</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ask your instructor for approval</source>
        <translation>指導者に承認を依頼する</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>date of birth unknown</source>
        <translation>生年月日が不明です</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>record the date of birth at the front desk</source>
        <translation>受付で生年月日を登録してください</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>highest rank</source>
        <translation>最高位</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>marked eligible by an instructor</source>
        <translation>指導者が昇級可能と判断</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>promotion deferred by an instructor</source>
        <translation>指導者が昇級を保留中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>talk to your instructor</source>
        <translation>指導者に相談してください</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no rule for this promotion: the instructor decides</source>
        <translation>この昇級に規定はありません。指導者が判断します</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>see the front desk</source>
        <translation>受付へお越しください</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>all requirements met</source>
        <translation>すべての条件を満たしています</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>every stripe is on: the next belt is next</source>
        <translation>ストライプはすべて取得済み: 次は帯の昇級</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>every degree is on</source>
        <translation>段はすべて取得済み</translation>
    </message>
    <message numerus="yes">
        <location line="+156"/>
        <source>%n more classes</source>
        <translation>
            <numerusform>あと %n 回の稽古</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n more days</source>
        <translation>
            <numerusform>あと %n 日</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n classes short</source>
        <translation>
            <numerusform>稽古が %n 回不足</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n days short</source>
        <translation>
            <numerusform>日数が %n 日不足</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>too young by %n years</source>
        <translation>
            <numerusform>年齢があと %n 歳不足</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n more stripes</source>
        <translation>
            <numerusform>あとストライプ %n 本</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n more degrees</source>
        <translation>
            <numerusform>あと %n 段</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n stripes short</source>
        <translation>
            <numerusform>ストライプが %n 本不足</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n degrees short</source>
        <translation>
            <numerusform>%n 段不足</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>turn %1</source>
        <translation>%1 歳になる</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>membership not active</source>
        <translation>会員資格が有効ではありません</translation>
    </message>
</context>
<context>
    <name>Outcome</name>
    <message>
        <location line="-238"/>
        <source>Not a TatamiTech code</source>
        <translation>TatamiTech のコードではありません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This code belongs to another academy</source>
        <translation>他の道場のコードです</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Code not valid</source>
        <translation>無効なコードです</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Code expired</source>
        <translation>コードの有効期限切れ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card deactivated</source>
        <translation>カードは無効化されています</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Student not found</source>
        <translation>生徒が見つかりません</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+13"/>
        <location line="+3"/>
        <location filename="../../kiosk/ui/scan_screen.py" line="+487"/>
        <source>Please see the front desk</source>
        <translation>受付へお越しください</translation>
    </message>
    <message>
        <location line="-15"/>
        <source>Code already used</source>
        <translation>使用済みのコードです</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Already checked in</source>
        <translation>チェックイン済み</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check-in for this class has closed</source>
        <translation>このクラスのチェックインは締め切られました</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This class is for a higher belt</source>
        <translation>このクラスは上位の帯が対象です</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Welcome</source>
        <translation>ようこそ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check-in NOT saved</source>
        <translation>チェックインは保存されていません</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Show the QR code from the TatamiTech app</source>
        <extracomment>The second line: what the student should do now.</extracomment>
        <translation>TatamiTech アプリの QR コードを見せてください</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Use the code of this academy</source>
        <translation>この道場のコードを使ってください</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+4"/>
        <source>Refresh the code on your phone and try again</source>
        <translation>スマートフォンでコードを更新して、もう一度どうぞ</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Please see the front desk for a new card</source>
        <translation>新しいカードは受付でお受け取りください</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Your membership needs attention</source>
        <translation>会員情報の確認が必要です</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nothing else to do: enjoy the class</source>
        <translation>手続きは完了しています。稽古を楽しんでください</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>Please see your instructor</source>
        <translation>指導者に声をかけてください</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>You are checked in</source>
        <translation>チェックインしました</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Please try again, or see the front desk</source>
        <translation>もう一度お試しいただくか、受付へお越しください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/scan_screen.py" line="-1"/>
        <source>Kiosk not set up yet</source>
        <translation>この端末はまだ設定されていません</translation>
    </message>
</context>
<context>
    <name>Override</name>
    <message>
        <location filename="../../kiosk/ui/i18n.py" line="+129"/>
        <source>an override needs a note.</source>
        <translation>例外処理にはメモが必要です。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>that scan has no known student to check in.</source>
        <translation>この読み取りにはチェックインできる登録済みの生徒がいません。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>that scan already counts.</source>
        <translation>この読み取りはすでに出席として数えられています。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>that student is no longer in the roster.</source>
        <translation>この生徒はもう名簿にいません。</translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message>
        <location filename="../../kiosk/ui/pin_dialog.py" line="+256"/>
        <source>Staff access</source>
        <translation>スタッフ用</translation>
    </message>
    <message>
        <location line="-192"/>
        <source>Enter your staff or instructor PIN</source>
        <translation>スタッフまたは指導者の PIN を入力してください</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Message</source>
        <translation>メッセージ</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Delete last digit</source>
        <translation>1 文字削除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Confirm PIN</source>
        <translation>PIN を確定</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Use an academy account instead</source>
        <translation>道場のアカウントでサインイン</translation>
    </message>
    <message>
        <location line="+68"/>
        <source>Sign in with your TatamiTech staff account.</source>
        <translation>TatamiTech のスタッフアカウントでサインインしてください。</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+1"/>
        <source>Email</source>
        <translation>メールアドレス</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+1"/>
        <source>Password</source>
        <translation>パスワード</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sign in</source>
        <translation>サインイン</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Back to the PIN pad</source>
        <translation>PIN 入力に戻る</translation>
    </message>
    <message>
        <location line="+112"/>
        <source>No PIN is set on this kiosk: sign in with an account.</source>
        <extracomment>No PIN exists to compare against (an unregistered kiosk provisioned offline).</extracomment>
        <translation>この端末には PIN が設定されていません。アカウントでサインインしてください。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>No staff PIN is set on this kiosk. Set one on this computer with: tatami-kiosk pin set</source>
        <translation>この端末にはスタッフ PIN が設定されていません。このコンピューターで次のコマンドを実行して設定してください: tatami-kiosk pin set</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>You can try again now.</source>
        <translation>もう一度入力できます。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Too many wrong PINs. Try again in %1.</source>
        <translation>PIN の誤りが多すぎます。%1 後に再度お試しください。</translation>
    </message>
    <message numerus="yes">
        <location line="+33"/>
        <source>Wrong PIN. %n more tries before a pause.</source>
        <translation>
            <numerusform>PIN が違います。あと %n 回で一時停止します。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The PIN could not be checked. Try again.</source>
        <translation>PIN を確認できませんでした。もう一度お試しください。</translation>
    </message>
    <message>
        <location line="-182"/>
        <source>Enter your email and password.</source>
        <translation>メールアドレスとパスワードを入力してください。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Signing in…</source>
        <translation>サインイン中…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>This account cannot open the staff screens.</source>
        <translation>このアカウントではスタッフ画面を開けません。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sign-in failed: %1</source>
        <translation>サインインに失敗しました: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sign-in failed. Check the connection and try again.</source>
        <translation>サインインに失敗しました。接続を確認して、もう一度お試しください。</translation>
    </message>
</context>
<context>
    <name>Promote</name>
    <message>
        <location filename="../../kiosk/ui/board/promote.py" line="+50"/>
        <source>%1 belt</source>
        <translation>%1帯</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Promote %1</source>
        <translation>%1 を昇級</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Now: %1</source>
        <translation>現在: %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Next belt: %1</source>
        <translation>次の帯: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Next belt: none (highest belt)</source>
        <translation>次の帯: なし（最高位の帯）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Next degree: %1 of %2</source>
        <translation>次の段: %1 / %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Next stripe: %1 of %2</source>
        <translation>次のストライプ: %1 / %2</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Next stripe: none (every stripe is on)</source>
        <translation>次のストライプ: なし（すべて取得済み）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Next stripe: this belt takes none</source>
        <translation>次のストライプ: この帯にはストライプがありません</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Why (kept with the promotion)</source>
        <translation>理由（昇級の記録に残ります）</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+2"/>
        <source>Note</source>
        <translation>メモ</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+2"/>
        <source>Instructor PIN</source>
        <translation>指導者 PIN</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Promote</source>
        <translation>昇級する</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Write a note: it is kept with the promotion.</source>
        <translation>メモを入力してください。昇級の記録に残ります。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Enter the instructor PIN.</source>
        <translation>指導者 PIN を入力してください。</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Not promoted: %1</source>
        <translation>昇級できません: %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Too many wrong PINs: try again after %1.</source>
        <translation>PIN の誤りが多すぎます。%1 以降にもう一度お試しください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>That is not the instructor PIN.</source>
        <translation>指導者 PIN ではありません。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Not saved (%1): nothing was recorded. Try again.</source>
        <translation>保存できませんでした（%1）。何も記録されていません。もう一度お試しください。</translation>
    </message>
</context>
<context>
    <name>Promotion</name>
    <message>
        <location filename="../../kiosk/ui/i18n.py" line="+6"/>
        <source>already at the highest belt.</source>
        <translation>すでに最高位の帯です。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>this belt takes no stripes.</source>
        <translation>この帯にはストライプがありません。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>every stripe of this belt is on already.</source>
        <translation>この帯のストライプはすべて取得済みです。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>this student is not on the roster&apos;s ladder any more.</source>
        <translation>この生徒はもう名簿の段位体系にいません。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>a promotion needs a note.</source>
        <translation>昇級にはメモが必要です。</translation>
    </message>
</context>
<context>
    <name>Reception</name>
    <message>
        <location filename="../../kiosk/ui/reception/common.py" line="+46"/>
        <source>Technical detail: %1</source>
        <translation>技術情報: %1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reception/dialog.py" line="+42"/>
        <source>Reception</source>
        <translation>受付</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Reception tools</source>
        <translation>受付ツール</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check in by name</source>
        <translation>名前でチェックイン</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../../kiosk/ui/reception/recent.py" line="+74"/>
        <source>Recent scans</source>
        <translation>最近の読み取り</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Needs attention</source>
        <translation>要対応</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Health</source>
        <translation>状態</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reception/manual.py" line="+50"/>
        <source>For a student without a phone or card. Works offline; recorded as a manual check-in with your staff id.</source>
        <translation>スマートフォンやカードがない生徒用です。オフラインでも使えます。あなたのスタッフ ID 付きの手動チェックインとして記録されます。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Type part of a name</source>
        <translation>名前の一部を入力</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Student name</source>
        <translation>生徒の名前</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Matching students</source>
        <translation>該当する生徒</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Check in</source>
        <translation>チェックイン</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Check in the selected student</source>
        <translation>選んだ生徒をチェックイン</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Pick a student first.</source>
        <translation>先に生徒を選んでください。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Check-in failed: see the health tab.</source>
        <translation>チェックインに失敗しました。「状態」タブを確認してください。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reception/parked.py" line="+43"/>
        <location filename="../../kiosk/ui/reception/recent.py" line="-7"/>
        <source>Time</source>
        <translation>時刻</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reception/recent.py" line="+1"/>
        <source>Result</source>
        <translation>結果</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reception/parked.py" line="+1"/>
        <location filename="../../kiosk/ui/reception/recent.py" line="+1"/>
        <source>Student</source>
        <translation>生徒</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reception/recent.py" line="+1"/>
        <source>Source</source>
        <translation>方法</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Upload</source>
        <translation>送信</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reception/parked.py" line="+1"/>
        <location filename="../../kiosk/ui/reception/recent.py" line="+1"/>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reception/recent.py" line="+6"/>
        <location line="+15"/>
        <source>Check in anyway</source>
        <translation>それでもチェックイン</translation>
    </message>
    <message>
        <location line="-12"/>
        <source>Pick a failed scan of a known student (e.g. an expired pass you checked by hand), say why, and confirm. The override is audited and synced.</source>
        <translation>登録済みの生徒の失敗した読み取り（例: 期限切れのパスを目視で確認した場合）を選び、理由を書いて確定してください。この操作は監査記録され、同期されます。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Note (required)</source>
        <translation>メモ（必須）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Override note</source>
        <translation>例外処理のメモ</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <location line="+78"/>
        <source>An override needs a note.</source>
        <translation>例外処理にはメモが必要です。</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Not possible: %1</source>
        <translation>できません: %1</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The override was not saved.</source>
        <translation>例外処理は保存されませんでした。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reception/parked.py" line="-11"/>
        <source>Check-ins the TatamiTech server refused. They are kept here and never block the others. Fix the cause in TatamiTech, then send them again.</source>
        <translation>TatamiTech サーバーが受け付けなかったチェックインです。ここに保管され、他の送信を妨げません。TatamiTech で原因を直してから再送してください。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Parked check-ins</source>
        <translation>保留中のチェックイン</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Send again</source>
        <translation>再送</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reception/health.py" line="+140"/>
        <source>Sync now</source>
        <translation>今すぐ同期</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export diagnostics…</source>
        <translation>診断情報を書き出す…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export a diagnostics bundle without personal data</source>
        <translation>個人情報を含まない診断情報を書き出す</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Connection</source>
        <translation>接続</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting to upload</source>
        <translation>送信待ち</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Parked</source>
        <translation>保留</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Events waiting</source>
        <translation>送信待ちのイベント</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Promotions made here</source>
        <translation>この端末での昇級</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last upload</source>
        <translation>最終送信</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last roster pull</source>
        <translation>最終名簿取得</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Roster</source>
        <translation>名簿</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signing key ids</source>
        <translation>署名鍵 ID</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Camera</source>
        <translation>カメラ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Decoding</source>
        <translation>読み取り</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scan to result</source>
        <translation>読み取りから結果まで</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Clock offset</source>
        <translation>時刻のずれ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sound</source>
        <translation>音</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Device token</source>
        <translation>端末トークン</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Version</source>
        <translation>バージョン</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>never</source>
        <translation>なし</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>%1 waiting to upload, %2 refused (see the board)</source>
        <translation>アップロード待ち %1 件、拒否 %2 件（ボードを参照）</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>not registered (offline roster)</source>
        <translation>未登録（オフライン名簿）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>staff needed: %1</source>
        <translation>スタッフ対応が必要: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>online</source>
        <translation>オンライン</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>offline (%1)</source>
        <translation>オフライン (%1)</translation>
    </message>
    <message>
        <location line="-53"/>
        <source>%1 students, seq %2, updated %3 (%4)</source>
        <translation>生徒 %1 人、第 %2 版、更新: %3（%4）</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>%1, %2 fps</source>
        <translation>%1、%2 fps</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 frames/s, %2 ms (p50), engine %3</source>
        <translation>%1 フレーム/秒、%2 ms (p50)、エンジン %3</translation>
    </message>
    <message>
        <location line="+6"/>
        <source> (idle: fewer frames until a code shows)</source>
        <translation>（待機中：コードが映るまでフレームを間引きます）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 ms (p50), %2 ms (p95)</source>
        <translation>%1 ms (p50)、%2 ms (p95)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>in the OS keyring</source>
        <translation>OS のキーリング内</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>in memory only: sign in again after a restart</source>
        <translation>メモリ内のみ: 再起動後に再サインインが必要</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Save diagnostics bundle</source>
        <translation>診断情報の保存</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Zip files (*.zip)</source>
        <translation>Zip ファイル (*.zip)</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Exporting…</source>
        <translation>書き出し中…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Saved: %1</source>
        <translation>保存しました: %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Could not save: %1</source>
        <translation>保存できませんでした: %1</translation>
    </message>
</context>
<context>
    <name>ScanReason</name>
    <message>
        <location filename="../../kiosk/ui/i18n.py" line="-109"/>
        <source>empty scan</source>
        <extracomment>Why a scan failed, for staff (recent scans): by the decision&apos;s detail code.</extracomment>
        <translation>空の読み取り</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>too long for a TatamiTech code</source>
        <translation>TatamiTech のコードとしては長すぎます</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not a TatamiTech code</source>
        <translation>TatamiTech のコードではありません</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+5"/>
        <source>damaged code (unreadable parts)</source>
        <translation>破損したコード（読み取れない部分があります）</translation>
    </message>
    <message>
        <location line="-4"/>
        <location line="+5"/>
        <source>damaged code (unreadable content)</source>
        <translation>破損したコード（内容を読み取れません）</translation>
    </message>
    <message>
        <location line="-4"/>
        <location line="+5"/>
        <source>code of an unknown kind</source>
        <translation>不明な種類のコード</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>code with missing or wrong fields</source>
        <translation>項目が欠けているか誤っているコード</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>membership suspended</source>
        <translation>会員資格が停止中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>membership frozen</source>
        <translation>会員資格が休会中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>membership inactive</source>
        <translation>会員資格が無効</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the kiosk has no roster yet</source>
        <translation>この端末にはまだ名簿がありません</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>signature does not match this academy&apos;s keys</source>
        <extracomment>Details with a variable part (``alg=EdDSA``, ``override of &lt;scan id&gt;``): by prefix.</extracomment>
        <translation>署名がこの道場の鍵と一致しません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>checked in anyway by staff</source>
        <translation>スタッフが例外としてチェックイン</translation>
    </message>
</context>
<context>
    <name>ScanScreen</name>
    <message>
        <location filename="../../kiosk/ui/scan_screen.py" line="-404"/>
        <source>Hold your QR code inside the frame</source>
        <translation>QR コードを枠の中にかざしてください</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Camera preview</source>
        <translation>カメラのプレビュー</translation>
    </message>
    <message>
        <location line="+108"/>
        <source>Camera not available: use the scanner or see the front desk</source>
        <translation>カメラが使えません。スキャナーを使うか、受付へお越しください</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Starting the camera…</source>
        <translation>カメラを起動中…</translation>
    </message>
    <message>
        <location line="+49"/>
        <location line="+1"/>
        <source>Check in</source>
        <translation>チェックイン</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Welcome! Show your code to start the class</source>
        <translation>ようこそ！ コードをかざして稽古を始めましょう</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Open your QR code in the TatamiTech app, or take your card</source>
        <translation>TatamiTech アプリで QR コードを開くか、カードを用意します</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hold it inside the frame, about 20 cm from the camera</source>
        <translation>カメラから約 20 cm 離して、枠の中にかざします</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wait for the check mark, then off to the mat</source>
        <translation>チェックマークが出たら、畳へどうぞ</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Phone or printed card, both work. Trouble? The front desk helps.</source>
        <translation>スマートフォンでも印刷したカードでも使えます。困ったときは受付へ。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Welcome to %1! Show your code to start the class</source>
        <translation>%1 へようこそ！ コードをかざして稽古を始めましょう</translation>
    </message>
    <message>
        <location line="+187"/>
        <source>Already checked in at %1</source>
        <translation>%1 にチェックイン済み</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Class: %1</source>
        <translation>クラス: %1</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>Classes since last promotion</source>
        <translation>前回の昇級からの稽古回数</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+10"/>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Days in this belt</source>
        <translation>現在の帯の日数</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Next: %1</source>
        <translation>次へ: %1</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Degrees: %1 of %2</source>
        <translation>段: %1 / %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stripes: %1 of %2</source>
        <translation>ストライプ: %1 / %2</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>next: %1</source>
        <translation>次: %1</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Late: the class began at %1</source>
        <translation>遅刻: クラスは %1 に始まりました</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This class is for %1 and up</source>
        <translation>このクラスは %1 以上が対象です</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This class does not count toward promotion</source>
        <translation>このクラスは昇級の回数に数えられません</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Eligible for a new degree!</source>
        <translation>次の段の対象です！</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Eligible for a new stripe!</source>
        <translation>新しいストライプの対象です！</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Eligible for promotion to %1!</source>
        <translation>%1 への昇級資格があります！</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Eligible for promotion!</source>
        <translation>昇級資格があります！</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Talk to your instructor.</source>
        <translation>指導者に声をかけてください。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Next student: just scan · resets in %1 s</source>
        <translation>次の方はそのままかざしてください · あと %1 秒で戻ります</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>Please scan once more. If it happens again, tell the front desk.</source>
        <translation>もう一度かざしてください。繰り返す場合は受付にお知らせください。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Visiting? The front desk can check you in.</source>
        <translation>他の道場からの方は、受付でチェックインできます。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Your instructor or the front desk can check you in.</source>
        <translation>指導者または受付でチェックインできます。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No phone or card? The front desk can check you in by name.</source>
        <translation>スマートフォンやカードがない場合は、受付で名前でチェックインできます。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 belt</source>
        <translation>%1 帯</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Check-in screen</source>
        <translation>チェックイン画面</translation>
    </message>
</context>
<context>
    <name>ServerReason</name>
    <message>
        <location filename="../../kiosk/ui/i18n.py" line="+5"/>
        <source>the server does not know this student (removed from the roster?)</source>
        <extracomment>Why the TatamiTech server refused a check-in (a parked item), by the server&apos;s reason code.</extracomment>
        <translation>サーバーにこの生徒の登録がありません（名簿から削除された可能性があります）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the student belongs to another academy</source>
        <translation>他の道場の生徒です</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the scan&apos;s time is ahead of the server&apos;s clock (check the kiosk&apos;s clock)</source>
        <translation>読み取り時刻がサーバーの時刻より先です（キオスクの時計を確認してください）</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+1"/>
        <source>the server could not read this check-in</source>
        <translation>サーバーがこのチェックインを読み取れませんでした</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the server does not know this class</source>
        <translation>サーバーにこのクラスの登録がありません</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the student was promoted otherwise meanwhile: the server&apos;s rank stands</source>
        <translation>その間に別の昇級が行われました: サーバーの段位が有効です</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the server&apos;s rules do not allow this promotion</source>
        <translation>サーバーの規則ではこの昇級はできません</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the promotion&apos;s time is ahead of the server&apos;s clock (check the clock)</source>
        <translation>昇級の時刻がサーバーの時計より先です（時計を確認してください）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the server could not read this promotion</source>
        <translation>サーバーがこの昇級を読み取れませんでした</translation>
    </message>
    <message>
        <location line="+156"/>
        <source>refused by the server (HTTP %1)</source>
        <translation>サーバーが受け付けませんでした（HTTP %1）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>refused by the server: %1</source>
        <translation>サーバーが受け付けませんでした: %1</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <location filename="../../kiosk/ui/settings/dialog.py" line="+51"/>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Camera</source>
        <translation>カメラ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sound and display</source>
        <translation>音と表示</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check-in</source>
        <translation>チェックイン</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PINs</source>
        <translation>PIN</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Connection</source>
        <translation>接続</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/settings/display.py" line="+35"/>
        <source>Play sounds</source>
        <translation>音を鳴らす</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+15"/>
        <source>Volume</source>
        <translation>音量</translation>
    </message>
    <message>
        <location line="-10"/>
        <source> s</source>
        <comment>seconds</comment>
        <translation> 秒</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+9"/>
        <source>Result shown for</source>
        <translation>結果の表示時間</translation>
    </message>
    <message>
        <location line="-7"/>
        <location line="+8"/>
        <source>Language</source>
        <translation>言語</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>System language</source>
        <translation>システムの言語</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>A new language shows from the next start.</source>
        <translation>言語の変更は次回起動時に反映されます。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/settings/checkin.py" line="+27"/>
        <location filename="../../kiosk/ui/settings/display.py" line="+1"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/settings/preferences.py" line="+51"/>
        <source>Saved.</source>
        <translation>保存しました。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/settings/checkin.py" line="-3"/>
        <source>Check-in window</source>
        <translation>チェックイン時間枠</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Save the check-in window</source>
        <translation>チェックイン時間枠を保存</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/settings/pins.py" line="+37"/>
        <location line="+12"/>
        <source>Which PIN</source>
        <translation>変更する PIN</translation>
    </message>
    <message>
        <location line="-11"/>
        <source>Staff PIN</source>
        <translation>スタッフ PIN</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Instructor PIN</source>
        <translation>指導者 PIN</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+7"/>
        <source>New PIN</source>
        <translation>新しい PIN</translation>
    </message>
    <message>
        <location line="-6"/>
        <location line="+7"/>
        <source>New PIN again</source>
        <translation>新しい PIN（確認）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Change PIN</source>
        <translation>PIN を変更</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The two PINs differ.</source>
        <translation>2 つの PIN が一致しません。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>A PIN has 4 to 12 digits.</source>
        <translation>PIN は 4〜12 桁の数字です。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The PIN was not saved.</source>
        <translation>PIN は保存されませんでした。</translation>
    </message>
    <message>
        <location line="-11"/>
        <source>PIN changed.</source>
        <translation>PIN を変更しました。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/settings/connection.py" line="+43"/>
        <source>This kiosk</source>
        <translation>この端末</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Sync now</source>
        <translation>今すぐ同期</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Register again…</source>
        <translation>再登録…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sign out and wipe…</source>
        <translation>サインアウトして消去…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Academy: %1</source>
        <translation>道場: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Kiosk id: %1</source>
        <translation>端末 ID: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Server: %1</source>
        <translation>サーバー: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Device key: %1</source>
        <translation>端末キー: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>system keyring</source>
        <translation>システムのキーリング</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>memory only (sign in again after a restart)</source>
        <translation>メモリ内のみ（再起動後に再サインインが必要）</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Syncing…</source>
        <translation>同期中…</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+6"/>
        <source>Sign out and wipe</source>
        <translation>サインアウトして消去</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>This kiosk forgets its academy, roster, PINs and settings, and its device key. It then needs a new set-up.</source>
        <translation>この端末から道場、名簿、PIN、設定、端末キーを消去します。その後、設定をやり直す必要があります。</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Wiping failed.</source>
        <translation>消去に失敗しました。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Check-ins not uploaded</source>
        <translation>未送信のチェックインがあります</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1

Wipe anyway and lose them?</source>
        <translation>%1

それでも消去して、これらを失いますか？</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Wipe anyway</source>
        <translation>それでも消去</translation>
    </message>
</context>
<context>
    <name>Setup</name>
    <message>
        <location filename="../../kiosk/ui/i18n.py" line="-90"/>
        <location line="+144"/>
        <source>check the email, the password and the connection.</source>
        <translation>メールアドレス、パスワード、接続を確認してください。</translation>
    </message>
    <message>
        <location line="-141"/>
        <source>only an academy admin can register a kiosk, and this account is not one.</source>
        <translation>端末を登録できるのは道場の管理者だけです。このアカウントは管理者ではありません。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the server did not register the kiosk.</source>
        <translation>サーバーが端末を登録しませんでした。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the kiosk&apos;s database could not be written.</source>
        <translation>端末のデータベースに書き込めませんでした。</translation>
    </message>
    <message numerus="yes">
        <location line="+125"/>
        <source>%n check-ins are not uploaded yet.</source>
        <translation>
            <numerusform>%n 件のチェックインがまだ送信されていません。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n are parked for staff.</source>
        <translation>
            <numerusform>%n 件はスタッフの対応待ちです。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sync and resolve them before wiping.</source>
        <translation>消去する前に同期して、解決してください。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>this account is not a staff account of this academy.</source>
        <translation>このアカウントはこの道場のスタッフアカウントではありません。</translation>
    </message>
</context>
<context>
    <name>Shell</name>
    <message>
        <location filename="../../kiosk/ui/staff_screens.py" line="+243"/>
        <source>Exit the kiosk</source>
        <extracomment>What the last person through the PIN pad may open (None: nobody yet).</extracomment>
        <translation>端末を終了</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Students cannot check in until the kiosk is started again. Check-ins waiting for upload are kept and sent at the next start.</source>
        <translation>再起動するまで生徒はチェックインできません。送信待ちのチェックインは保管され、次回起動時に送信されます。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Exit</source>
        <translation>終了</translation>
    </message>
</context>
<context>
    <name>Sound</name>
    <message>
        <location filename="../../kiosk/ui/sounds.py" line="+43"/>
        <source>off</source>
        <translation>オフ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not started yet</source>
        <translation>まだ開始していません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ready</source>
        <translation>使用できます</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>silent: no sound system on this computer</source>
        <translation>無音（このコンピューターにはサウンド機能がありません）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>silent: no audio output</source>
        <translation>無音（音声出力がありません）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>silent: no sound files</source>
        <translation>無音（効果音ファイルがありません）</translation>
    </message>
</context>
<context>
    <name>Source</name>
    <message>
        <location filename="../../kiosk/ui/i18n.py" line="-291"/>
        <source>camera</source>
        <translation>カメラ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>scanner</source>
        <translation>スキャナー</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>by name</source>
        <translation>名前</translation>
    </message>
</context>
<context>
    <name>StaffDialog</name>
    <message>
        <location filename="../../kiosk/ui/dialogs.py" line="+68"/>
        <source>Last scan</source>
        <translation>直近の読み取り</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Close this screen</source>
        <translation>この画面を閉じる</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Problem</source>
        <translation>問題</translation>
    </message>
    <message>
        <location line="+106"/>
        <location filename="../../kiosk/ui/board/promote.py" line="-87"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/operations.py" line="+137"/>
        <source>That did not work (%1). Try again.</source>
        <translation>うまくいきませんでした（%1）。もう一度お試しください。</translation>
    </message>
</context>
<context>
    <name>StaffMenu</name>
    <message>
        <location filename="../../kiosk/ui/staff_menu.py" line="+29"/>
        <source>Staff menu</source>
        <translation>スタッフメニュー</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Scans keep working while a staff screen is open.</source>
        <translation>スタッフ画面を開いている間も読み取りは続きます。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Reception</source>
        <translation>受付</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check in by name, recent scans, health</source>
        <translation>名前でチェックイン、最近の読み取り、状態</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Instructor board</source>
        <translation>指導者ボード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Progress to the next belt</source>
        <translation>次の帯までの進捗</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Camera, sound, PINs, connection</source>
        <translation>カメラ、音、PIN、接続</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Exit the kiosk</source>
        <translation>端末を終了</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Close the check-in app</source>
        <translation>チェックインアプリを閉じる</translation>
    </message>
</context>
<context>
    <name>StaffNeeded</name>
    <message>
        <location filename="../../kiosk/ui/i18n.py" line="+82"/>
        <source>this kiosk is not registered: run the set-up</source>
        <extracomment>Why sync waits for a person (the health panel).</extracomment>
        <translation>このキオスクは未登録です: セットアップを実行してください</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>sign in again: this computer does not hold the kiosk&apos;s device token</source>
        <translation>再サインインしてください: このコンピューターにキオスクの端末トークンがありません</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>this kiosk was revoked: register it again</source>
        <translation>このキオスクは無効化されました: もう一度登録してください</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the server refused this kiosk&apos;s sign-in: register it again</source>
        <translation>サーバーがこのキオスクのサインインを拒否しました: もう一度登録してください</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the server refused this kiosk&apos;s access: check the academy, register again</source>
        <translation>サーバーがこのキオスクのアクセスを拒否しました: 道場を確認し、もう一度登録してください</translation>
    </message>
</context>
<context>
    <name>StatusStrip</name>
    <message>
        <location filename="../../kiosk/ui/status_strip.py" line="+132"/>
        <source>Academy</source>
        <translation>道場</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Time</source>
        <translation>時刻</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Staff</source>
        <translation>スタッフ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Staff menu (PIN needed)</source>
        <translation>スタッフメニュー（PIN が必要）</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>Camera not available</source>
        <translation>カメラが使えません</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Staff needed: sign in</source>
        <translation>スタッフ対応が必要: サインイン</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Offline mode</source>
        <translation>オフラインモード</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Online</source>
        <translation>オンライン</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Offline: check-ins are kept here</source>
        <translation>オフライン: チェックインは端末に保管中</translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>%n check-ins need staff</source>
        <translation>
            <numerusform>%n 件のチェックインが要対応</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%n to upload</source>
        <translation>
            <numerusform>送信待ち %n 件</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Synced %1</source>
        <translation>同期 %1</translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source>Clock off by %n min</source>
        <translation>
            <numerusform>時計が %n 分ずれています</numerusform>
        </translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No roster: staff needed</source>
        <translation>名簿なし: スタッフ対応が必要</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Roster too old: staff needed</source>
        <translation>名簿が古すぎます: スタッフ対応が必要</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Roster %1 old</source>
        <translation>名簿は %1 前のもの</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Roster up to date</source>
        <translation>名簿は最新</translation>
    </message>
    <message numerus="yes">
        <location line="+15"/>
        <source>%n days</source>
        <translation>
            <numerusform>%n 日</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n hours</source>
        <translation>
            <numerusform>%n 時間</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Stripes</name>
    <message numerus="yes">
        <location filename="../../kiosk/ui/i18n.py" line="+178"/>
        <source>%n degrees</source>
        <translation>
            <numerusform>%n 段</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n stripes</source>
        <translation>
            <numerusform>ストライプ %n 本</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SyncState</name>
    <message>
        <location line="-269"/>
        <source>waiting to upload</source>
        <translation>送信待ち</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>uploaded</source>
        <translation>送信済み</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>parked</source>
        <translation>保留</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>kept on this kiosk</source>
        <translation>端末内のみ</translation>
    </message>
</context>
<context>
    <name>TokenKind</name>
    <message>
        <location line="+93"/>
        <source>pass</source>
        <translation>パス</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>card</source>
        <translation>カード</translation>
    </message>
</context>
<context>
    <name>Wizard</name>
    <message>
        <location filename="../../kiosk/ui/wizard.py" line="+108"/>
        <source>Academy and environment</source>
        <translation>道場と接続先</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Which TatamiTech does this kiosk belong to?</source>
        <translation>この端末はどの TatamiTech に属しますか？</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+2"/>
        <source>Academy (slug)</source>
        <translation>道場（スラッグ）</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+9"/>
        <source>Custom URL</source>
        <translation>カスタム URL</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Production</source>
        <translation>本番</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Staging</source>
        <translation>ステージング</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Preview</source>
        <translation>プレビュー</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Server: %1</source>
        <translation>サーバー: %1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Enter the academy&apos;s slug (and the URL for a custom server).</source>
        <translation>道場のスラッグ（カスタムサーバーの場合は URL も）を入力してください。</translation>
    </message>
    <message>
        <location line="+29"/>
        <location line="+26"/>
        <source>Register this kiosk</source>
        <translation>この端末を登録</translation>
    </message>
    <message>
        <location line="-19"/>
        <source>An academy admin signs in once. The password is not stored: the kiosk keeps only its own device key, in the system keyring.</source>
        <translation>道場の管理者が一度だけサインインします。パスワードは保存されません。端末は自身の端末キーだけをシステムのキーリングに保管します。</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+6"/>
        <source>Admin email</source>
        <translation>管理者のメールアドレス</translation>
    </message>
    <message>
        <location line="-3"/>
        <location line="+4"/>
        <source>Password</source>
        <translation>パスワード</translation>
    </message>
    <message>
        <location line="-2"/>
        <location line="+3"/>
        <source>Kiosk name</source>
        <translation>端末名</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Registration status</source>
        <translation>登録の状況</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Enter the admin&apos;s email and password.</source>
        <translation>管理者のメールアドレスとパスワードを入力してください。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Registering…</source>
        <translation>登録中…</translation>
    </message>
    <message numerus="yes">
        <location line="+20"/>
        <source>Registered for %1. Roster: %n students.</source>
        <translation>
            <numerusform>%1 に登録しました。名簿: %n 人。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Roster not loaded yet: %1</source>
        <translation>名簿はまだ読み込まれていません: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No system keyring here: the device key is kept in memory only, so staff sign in again after a restart.</source>
        <translation>この端末にはシステムのキーリングがありません。端末キーはメモリ内にのみ保持されるため、再起動後にスタッフの再サインインが必要です。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Not registered: %1</source>
        <translation>登録されませんでした: %1</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Not registered: the server could not be reached.</source>
        <translation>登録されませんでした: サーバーに接続できません。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>PINs, sound and check-in</source>
        <translation>PIN・音・チェックイン</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Check-in window</source>
        <translation>チェックイン時間枠</translation>
    </message>
    <message>
        <location line="-22"/>
        <location line="+4"/>
        <source>Staff PIN</source>
        <translation>スタッフ PIN</translation>
    </message>
    <message>
        <location line="-195"/>
        <location line="+4"/>
        <source>Preview name</source>
        <translation>プレビュー名</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Enter the preview&apos;s name: lower-case letters, digits and dashes (pr-123).</source>
        <translation>プレビュー名を入力してください。英小文字、数字、ハイフンが使えます（pr-123）。</translation>
    </message>
    <message>
        <location line="+155"/>
        <location line="+4"/>
        <source>Staff PIN again</source>
        <translation>スタッフ PIN（確認）</translation>
    </message>
    <message>
        <location line="-3"/>
        <location line="+4"/>
        <source>Instructor PIN (optional)</source>
        <translation>指導者 PIN（任意）</translation>
    </message>
    <message>
        <location line="-3"/>
        <location line="+4"/>
        <source>Instructor PIN again</source>
        <translation>指導者 PIN（確認）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Play sounds</source>
        <translation>音を鳴らす</translation>
    </message>
    <message>
        <location line="+7"/>
        <source> s</source>
        <comment>seconds</comment>
        <translation> 秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+2"/>
        <source>Result shown for</source>
        <translation>結果の表示時間</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>The staff PIN needs 4 to 12 digits.</source>
        <translation>スタッフ PIN は 4〜12 桁の数字です。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The two staff PINs differ.</source>
        <translation>2 つのスタッフ PIN が一致しません。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The instructor PIN needs 4 to 12 digits.</source>
        <translation>指導者 PIN は 4〜12 桁の数字です。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The two instructor PINs differ.</source>
        <translation>2 つの指導者 PIN が一致しません。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Use different PINs for staff and instructors.</source>
        <translation>スタッフと指導者には別々の PIN を使ってください。</translation>
    </message>
    <message>
        <location line="+57"/>
        <location line="+34"/>
        <source>Set up this kiosk</source>
        <translation>この端末の設定</translation>
    </message>
    <message>
        <location line="-23"/>
        <source>Camera</source>
        <translation>カメラ</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Ready</source>
        <translation>準備完了</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Set-up steps</source>
        <translation>設定の手順</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Back</source>
        <translation>戻る</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+35"/>
        <source>Next</source>
        <translation>次へ</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Start the kiosk</source>
        <translation>端末を開始</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Academy: %1</source>
        <translation>道場: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Kiosk id: %1</source>
        <translation>端末 ID: %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Camera: %1 · decoder: %2</source>
        <translation>カメラ: %1 · 読み取り: %2</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Check-in window: the academy&apos;s</source>
        <translation>チェックイン時間枠: 道場の設定</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Check-in window: %1 min (this kiosk&apos;s own)</source>
        <translation>チェックイン時間枠: %1 分（このキオスク独自）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Staff open the staff menu with the Staff button and their PIN.</source>
        <translation>スタッフは「スタッフ」ボタンと PIN でスタッフメニューを開きます。</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>The set-up could not be saved. Try again.</source>
        <translation>設定を保存できませんでした。もう一度お試しください。</translation>
    </message>
</context>
</TS>
